// Webhook history is kept as long as the events it refers to
// (EVENT_RETENTION_DAYS): attempts, and deliveries that are finished
// (delivered or failed). A pending delivery stays whatever its age: it is
// still owed (it is sent, or fails as purged, on its schedule).
import { sql } from 'drizzle-orm';
import { type Database, rowsOf } from '../db/client.js';

/** Deletes the expired history; how many attempts and deliveries went. */
export async function purgeWebhookHistory(db: Database, retentionDays: number) {
  const cutoff = sql`now() - make_interval(days => ${retentionDays}::int)`;
  const [attempts] = await rowsOf<{ n: number }>(
    db.execute(sql`with gone as (delete from webhook_attempts where attempted_at < ${cutoff} returning 1)
      select count(*)::int as n from gone`),
  );
  const [deliveries] = await rowsOf<{ n: number }>(
    db.execute(sql`with gone as (
        delete from webhook_deliveries where state <> 'pending' and created_at < ${cutoff} returning 1
      ) select count(*)::int as n from gone`),
  );
  return { attempts: attempts?.n ?? 0, deliveries: deliveries?.n ?? 0 };
}
