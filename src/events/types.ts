// The six kinds of event and their shapes, as the contract declares them.
import type { Schemas } from '../http/types.js';

export const EVENT_TYPES = [
  'order.created',
  'order.updated',
  'order.deleted',
  'service.created',
  'service.updated',
  'service.deleted',
] as const satisfies readonly Schemas['Event']['type'][];

export type EventType = (typeof EVENT_TYPES)[number];
export type OrderEventType = Extract<EventType, `order.${string}`>;
export type ServiceEventType = Extract<EventType, `service.${string}`>;

export type Event = Schemas['Event'];
