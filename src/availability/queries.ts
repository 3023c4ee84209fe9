// The 3-hour rule read the other way round: where an order may go. Orders
// block the open interval (datetime − 3h, datetime + 3h); the free instants
// are what lies between. Each question is one statement over the btree on
// (datetime, id), answered with window functions (lag/lead) over the orders
// read in datetime order, never a loop in JavaScript.
//
// Cost: availability reads the orders in [from − 3h, to + 3h] (a range is at
// most 31 days, so at most 250 orders). nearestAvailable reads outward
// from the instant, in each direction, until the first gap of 6 h or more
// between neighbours, and never further than HORIZON_MS (31 days, at most
// 250 rows a side): without a horizon, a 409 in a calendar booked solid for
// years would walk every order to the end of it. Within the horizon the
// answer is exact; beyond it (or outside the years 0001–9999) it is null,
// and GET /availability answers for later ranges.
import { type SQL, sql } from 'drizzle-orm';
import { type Database, rowsOf } from '../db/client.js';
import { orders } from '../db/schema.js';

export interface Window {
  start: Date;
  end: Date;
}

export interface Nearest {
  before: Date | null;
  after: Date | null;
}

const FIRST_INSTANT = Date.parse('0001-01-01T00:00:00.000Z');
const LAST_INSTANT = Date.parse('9999-12-31T23:59:59.999Z');
/** How far from the requested instant nearestAvailable looks, on each side. */
export const HORIZON_MS = 31 * 24 * 3_600_000;

const THREE_HOURS = sql.raw(`interval '3 hours'`);
const SIX_HOURS = sql.raw(`interval '6 hours'`);
/** An instant as epoch milliseconds, which both drivers return as a plain number. */
const ms = (instant: SQL) => sql`round(extract(epoch from ${instant}) * 1000)::float8`;
/** Instants travel as ISO text: the database never parses client text (src/domain/datetime.ts). */
const instant = (at: Date) => sql`${at.toISOString()}::timestamptz`;
const otherThan = (exceptId?: bigint) =>
  exceptId === undefined ? sql`` : sql` and id <> ${exceptId.toString()}::bigint`;

/**
 * The bookable windows inside [from, to], and whether `exceptId` (when
 * given) names an order. Two virtual orders, at from − 3h and to + 3h, close
 * the range: each pair of neighbours at least 6 h apart leaves the window
 * [earlier + 3h, later − 3h] between them, which the sentinels cut at from
 * and to. Orders exactly 3 h outside the range block nothing inside it.
 */
function windowsStatement(from: Date, to: Date, exceptId?: bigint): SQL {
  const found =
    exceptId === undefined
      ? sql`true`
      : sql`exists (select 1 from ${orders} where id = ${exceptId.toString()}::bigint)`;
  return sql`with edges as (
      select ${instant(from)} - ${THREE_HOURS} as at
      union all
      (select datetime from ${orders}
       where datetime > ${instant(from)} - ${THREE_HOURS} and datetime < ${instant(to)} + ${THREE_HOURS}${otherThan(exceptId)}
       order by datetime)
      union all
      select ${instant(to)} + ${THREE_HOURS}
    ), neighbours as (
      select lag(at) over (order by at) as earlier, at as later from edges
    )
    select ${found} as found,
      coalesce(json_agg(json_build_array(${ms(sql`earlier + ${THREE_HOURS}`)}, ${ms(sql`later - ${THREE_HOURS}`)})
        order by earlier), '[]'::json) as windows
    from neighbours where later >= earlier + ${SIX_HOURS}`;
}

/**
 * The earliest free instant at or after `at` (`direction` 'after') or the
 * latest at or before it ('before'). Walks the orders from the first one
 * that could block `at`, in index order, and stops at the first that has
 * room beside it: `at` itself when the nearest order is 3 h or more away,
 * else 3 h past the first order whose next neighbour is 6 h or more beyond
 * (or that has none). LIMIT 1 over the ordered index scan stops the walk.
 * The walk reads orders up to 3 h past the horizon: enough to decide every
 * instant within it. An answer beyond the horizon is not trusted (an order
 * just past the rows read might block it) and becomes null.
 */
function nearestStatement(at: Date, horizon: Date, direction: 'after' | 'before', exceptId?: bigint): SQL {
  const [towards, away, outside, step, back, beyond, order] =
    direction === 'after'
      ? [sql`>`, sql`<`, sql`>=`, sql`+`, sql`-`, sql`<=`, sql`asc`]
      : [sql`<`, sql`>`, sql`<=`, sql`-`, sql`+`, sql`>=`, sql`desc`];
  const t = instant(at);
  return sql`coalesce((
      select case when closer is null and datetime ${outside} ${t} ${step} ${THREE_HOURS} then ${t}
                  else datetime ${step} ${THREE_HOURS} end
      from (
        select datetime, lag(datetime) over w as closer, lead(datetime) over w as farther
        from ${orders}
        where datetime ${towards} ${t} ${back} ${THREE_HOURS}
          and datetime ${away} ${instant(horizon)} ${step} ${THREE_HOURS}${otherThan(exceptId)}
        window w as (order by datetime ${order})
      ) walked
      where (closer is null and datetime ${outside} ${t} ${step} ${THREE_HOURS})
         or farther is null or datetime ${step} ${SIX_HOURS} ${beyond} farther
      order by datetime ${order}
      limit 1), ${t})`;
}

/** The instant, or null outside [first, last]: the horizon, cut at the years 0001–9999. */
const within = (epochMs: number, first: number, last: number): Date | null =>
  epochMs < first || epochMs > last ? null : new Date(epochMs);

export function createAvailabilityQueries(db: Database) {
  return {
    /** The windows inside [from, to]; undefined when `exceptId` names no order. */
    async windows(from: Date, to: Date, exceptId?: bigint): Promise<Window[] | undefined> {
      const [row] = await rowsOf<{ found: boolean; windows: [number, number][] }>(
        db.execute(windowsStatement(from, to, exceptId)).execute(),
      );
      if (!row!.found) return undefined;
      return row!.windows.map(([start, end]) => ({ start: new Date(start), end: new Date(end) }));
    },

    /**
     * The nearest free instants on either side of `at` within the horizon,
     * not counting order `exceptId`. One statement, two index walks.
     */
    async nearest(at: Date, exceptId?: bigint): Promise<Nearest> {
      // Cut at the years 0001–9999 too: the database is never sent an instant the service would refuse.
      const earliest = new Date(Math.max(FIRST_INSTANT, at.getTime() - HORIZON_MS));
      const latest = new Date(Math.min(LAST_INSTANT, at.getTime() + HORIZON_MS));
      const [row] = await rowsOf<{ before: number; after: number }>(
        db
          .execute(
            sql`select ${ms(nearestStatement(at, earliest, 'before', exceptId))} as before,
              ${ms(nearestStatement(at, latest, 'after', exceptId))} as after`,
          )
          .execute(),
      );
      return {
        before: within(row!.before, earliest.getTime(), at.getTime()),
        after: within(row!.after, at.getTime(), latest.getTime()),
      };
    },
  };
}

export type AvailabilityQueries = ReturnType<typeof createAvailabilityQueries>;
