// RFC 3339 date-times, parsed strictly and once. The instant this returns,
// truncated to whole milliseconds, is what the service stores, compares and
// returns; the database never parses client text, so the app and the
// database cannot disagree at the 3-hour boundary (PostgreSQL would round
// sub-millisecond digits where JavaScript truncates).

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(?:([Zz])|([+-])(\d{2}):(\d{2}))$/;

const FIRST_INSTANT = Date.parse('0001-01-01T00:00:00.000Z');
const LAST_INSTANT = Date.parse('9999-12-31T23:59:59.999Z');

/** True for the instants (epoch ms) that the API's date-times can name: years 0001–9999 in UTC. */
export function isInstantInRange(ms: number): boolean {
  return Number.isInteger(ms) && ms >= FIRST_INSTANT && ms <= LAST_INSTANT;
}

function daysInMonth(year: number, month: number): number {
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1] ?? 0;
}

/**
 * The instant an RFC 3339 date-time with an offset names, truncated to
 * milliseconds, or undefined when the text is not one: no offset, a date
 * alone, an impossible date, a leap second (:60), or an instant outside the
 * years 0001–9999 in UTC.
 */
export function parseDateTime(text: string): Date | undefined {
  const match = RFC3339.exec(text);
  if (!match) return undefined;
  const [, y, mo, d, h, mi, s, fraction = '', zulu, sign, offH, offM] = match;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = Number(s);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  let offsetMinutes = 0;
  if (!zulu) {
    const oh = Number(offH);
    const om = Number(offM);
    if (oh > 23 || om > 59) return undefined;
    offsetMinutes = (sign === '-' ? -1 : 1) * (oh * 60 + om);
  }
  const millisecond = Number(fraction.slice(0, 3).padEnd(3, '0'));
  // Date.UTC maps years 0–99 to 1900–1999, so set the year separately.
  const local = new Date(Date.UTC(2000, month - 1, day, hour, minute, second, millisecond));
  local.setUTCFullYear(year);
  const instant = local.getTime() - offsetMinutes * 60_000;
  if (!isInstantInRange(instant)) return undefined;
  return new Date(instant);
}

export function isDateTime(text: string): boolean {
  return parseDateTime(text) !== undefined;
}

/** The wire form of an instant: UTC, three fraction digits, `Z`. */
export function formatDateTime(instant: Date): string {
  return instant.toISOString();
}
