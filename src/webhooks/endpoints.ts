// The registered webhook endpoints: all their SQL. Rows come back as the
// API shows them; the secrets only where an answer shows them.
import { sql } from 'drizzle-orm';
import type { Database } from '../db/client.js';
import { iso, rows } from '../db/sql.js';
import type { Schemas } from '../http/types.js';
import { newSecret } from './signature.js';

export type Endpoint = Schemas['WebhookEndpoint'];
type EventType = Schemas['WebhookEventType'];

/** How long the secret before a rotation keeps signing deliveries. */
export const PREVIOUS_SECRET_MS = 24 * 3_600_000;

const columns = sql`id::text as id, url, event_types as "eventTypes", description, status,
  disabled_reason as "disabledReason", ${iso(sql`created_at`)} as "createdAt"`;

export function createEndpointStore(db: Database) {
  return {
    async create(
      url: string,
      eventTypes: EventType[],
      description: string,
    ): Promise<Schemas['WebhookEndpointWithSecret']> {
      const secret = newSecret();
      const [row] = await rows<Endpoint>(
        db,
        sql`insert into webhook_endpoints (url, event_types, description, secret)
            values (${url}, ${`{${eventTypes.join(',')}}`}::text[], ${description}, ${secret}) returning ${columns}`,
      );
      return { ...row!, status: 'enabled', disabledReason: null, secret };
    },

    /** At most `limit` endpoints with ids above `after`, by id. */
    list(limit: number, after = -1n): Promise<Endpoint[]> {
      return rows<Endpoint>(
        db,
        sql`select ${columns} from webhook_endpoints where webhook_endpoints.id > ${after} order by webhook_endpoints.id limit ${limit}`,
      );
    },

    async get(id: bigint): Promise<Endpoint | undefined> {
      return (await rows<Endpoint>(db, sql`select ${columns} from webhook_endpoints where id = ${id}`))[0];
    },

    async delete(id: bigint): Promise<boolean> {
      return (await rows(db, sql`delete from webhook_endpoints where id = ${id} returning id`)).length > 0;
    },

    /** A new secret; the current one keeps signing for PREVIOUS_SECRET_MS. Undefined when there is no such endpoint. */
    async rotate(id: bigint): Promise<Schemas['WebhookSecret'] | undefined> {
      const secret = newSecret();
      const [row] = await rows<{ expires: string }>(
        db,
        sql`update webhook_endpoints
            set previous_secret = secret, secret = ${secret},
                previous_secret_expires_at = now() + ${`${PREVIOUS_SECRET_MS} milliseconds`}::interval
            where id = ${id} returning ${iso(sql`previous_secret_expires_at`)} as expires`,
      );
      return row && { secret, previousSecretExpiresAt: row.expires };
    },
  };
}

export type EndpointStore = ReturnType<typeof createEndpointStore>;
