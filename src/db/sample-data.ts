// The three sample orders of the original brief (223-225), for trying the
// service out. They are not reference data: in a production database they
// would block three real slots. So they are seeded here, at start and only
// when SAMPLE_DATA=true, not by a migration (the services catalogue they book,
// 123, 789 and 456, is reference data and stays in drizzle/0002_sample_data.sql).
//
// Idempotent, so it runs at every start: an order whose id is taken, or whose
// 3-hour slot another order holds (the exclusion constraint: ON CONFLICT DO
// NOTHING without a target covers it too), is skipped, and so are its service
// rows; an order whose service is gone is not inserted. The ids are given and
// lie below the identity's START WITH 1000: the id sequence is neither used
// nor moved. The brief gives the three one datetime, which the 3-hour rule
// forbids, so they are 3 hours apart from 2022-11-01T11:11:11.111Z.
import { sql } from 'drizzle-orm';
import type { Database } from './client.js';

export const SAMPLE_ORDER_IDS = ['223', '224', '225'] as const;

export async function seedSampleData(db: Database): Promise<void> {
  await db.execute(sql`
    with sample (id, datetime, service_id) as (
      values
        (223::bigint, '2022-11-01T11:11:11.111Z'::timestamptz, 123::bigint),
        (224, '2022-11-01T14:11:11.111Z', 789),
        (225, '2022-11-01T17:11:11.111Z', 456)
    ),
    inserted as (
      insert into orders (id, datetime, totalfee, created_at, updated_at)
      select id, datetime, 100, '2022-11-01T00:00:00.000Z', '2022-11-01T00:00:00.000Z'
      from sample
      where exists (select 1 from services where services.id = sample.service_id)
      on conflict do nothing
      returning id
    )
    insert into order_services (order_id, service_id, position)
    select sample.id, sample.service_id, 0 from sample join inserted using (id)
  `);
}
