// GET /availability: the windows of a range in which an order may be placed.
import { formatDateTime, parseDateTime } from '../domain/datetime.js';
import { InvalidInputError, NotFoundError } from '../domain/errors.js';
import type { Handlers, RequestOf } from '../http/types.js';
import type { AvailabilityQueries } from './queries.js';

/** The widest range one request may ask about: it bounds the rows the statement reads. */
export const MAX_RANGE_MS = 31 * 24 * 3_600_000;

// The schema has checked both date-times, so parsing cannot fail here.
function rangeOf(query: RequestOf<'getAvailability'>['query']) {
  const from = parseDateTime(query.from)!;
  const to = parseDateTime(query.to)!;
  const tooWide = to.getTime() - from.getTime() > MAX_RANGE_MS;
  if (to <= from || tooWide) {
    const detail = tooWide ? 'must be at most 31 days after from' : 'must be after from';
    throw new InvalidInputError([{ in: 'query', pointer: '#/to', detail }]);
  }
  return { from, to };
}

export function createAvailabilityHandlers(queries: AvailabilityQueries) {
  return {
    async getAvailability(request) {
      const { from, to } = rangeOf(request.query);
      const { excludeOrderId } = request.query;
      const windows = await queries.windows(
        from,
        to,
        excludeOrderId === undefined ? undefined : BigInt(excludeOrderId),
      );
      if (!windows) throw new NotFoundError('Order', excludeOrderId!);
      return { data: windows.map((w) => ({ start: formatDateTime(w.start), end: formatDateTime(w.end) })) };
    },
  } satisfies Pick<Handlers, 'getAvailability'>;
}
