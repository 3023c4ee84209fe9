// Small builders for test data. Every test takes its own time slots from
// `freeSlot()`, far from the sample orders and from other tests' slots, so
// tests sharing one database never meet through the 3-hour rule.

export const HOUR = 3_600_000;
export const THREE_HOURS = 3 * HOUR;

let nextDay = 0;

/** The start of a day in 2031 or later that no other test of this process uses. */
export function freeSlot(): Date {
  return new Date(Date.UTC(2031, 0, 1) + nextDay++ * 24 * HOUR);
}

export const at = (base: Date, offsetMs: number): string => new Date(base.getTime() + offsetMs).toISOString();

export interface OrderBody {
  datetime: string;
  totalfee: number;
  services: { id: string }[];
}

export function anOrder(overrides: Partial<OrderBody> = {}): OrderBody {
  return {
    datetime: overrides.datetime ?? freeSlot().toISOString(),
    totalfee: 100,
    services: [{ id: '123' }],
    ...overrides,
  };
}
