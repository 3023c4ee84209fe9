// The benchmarked requests, identical for the service and the baseline:
// one order by id, a page of 50, a create in a slot of its own (so the
// 3-hour check and the exclusion constraint run every time), and a mix of
// 90 % reads (70 % one order, 20 % a page) and 10 % creates; and the
// creates' worst case, `create-packed`: every create in one neighbourhood,
// each 3 h after the last, so each one's slot locks are its neighbours' and
// concurrent writers queue on each other (the 3-hour rule serialises
// writers within 6 h of each other). All of them succeed.
import type autocannon from 'autocannon';
import { CREATES_START, DATA_START, SLOT_MS } from './seed.js';

export const WORKLOADS = ['get-one', 'list', 'create', 'mixed', 'create-packed'] as const;
export type WorkloadName = (typeof WORKLOADS)[number];

export interface Data {
  firstId: number;
  lastId: number;
}

const JSON_HEADERS = { 'content-type': 'application/json' };
// Each create in this process takes the next slot, across every run and
// target, so none of them ever conflicts with another or with the data.
// Slots are 6 h apart: 3 h apart, neighbours would share a slot-lock bucket
// and each create would queue behind the previous one's transaction.
let nextSlot = 0;
// create-packed's slots: 3 h apart, after everything `create` can reach in a run.
const PACKED_START = CREATES_START + 200 * 365 * 24 * 3_600_000;
let nextPacked = 0;

const pick = (n: number) => Math.floor(Math.random() * n);
const getOne = (data: Data) => `/orders/${data.firstId + pick(data.lastId - data.firstId + 1)}`;
const page = (data: Data) => {
  const from = new Date(DATA_START + pick(data.lastId - data.firstId + 1) * SLOT_MS).toISOString();
  return `/orders?limit=50&from=${encodeURIComponent(from)}`;
};
const createBody = (datetime = new Date(CREATES_START + nextSlot++ * 2 * SLOT_MS)) =>
  JSON.stringify({
    datetime: datetime.toISOString(),
    totalfee: 250.5,
    services: [{ id: '123' }, { id: '456' }],
  });

type Setup = NonNullable<autocannon.Request['setupRequest']>;

function requestFor(setup: (request: autocannon.Request) => autocannon.Request): autocannon.Request[] {
  return [{ method: 'GET', path: '/', setupRequest: setup as Setup }];
}

const asGet = (request: autocannon.Request, path: string) => ({
  ...request,
  method: 'GET' as const,
  path,
  body: undefined,
});
const asCreate = (request: autocannon.Request, body = createBody()) => ({
  ...request,
  method: 'POST' as const,
  path: '/orders',
  headers: JSON_HEADERS,
  body,
});

export function requestsFor(name: WorkloadName, data: Data): autocannon.Request[] {
  switch (name) {
    case 'get-one':
      return requestFor((r) => asGet(r, getOne(data)));
    case 'list':
      return requestFor((r) => asGet(r, page(data)));
    case 'create':
      return requestFor((r) => asCreate(r));
    case 'create-packed':
      return requestFor((r) => asCreate(r, createBody(new Date(PACKED_START + nextPacked++ * SLOT_MS))));
    case 'mixed':
      return requestFor((r) => {
        const dice = Math.random();
        if (dice < 0.7) return asGet(r, getOne(data));
        if (dice < 0.9) return asGet(r, page(data));
        return asCreate(r);
      });
  }
}

/** Reads are held to the p99 target; every workload has a ratio target. */
export const TARGETS: Record<WorkloadName, { ratio: number; p99Ms?: number }> = {
  'get-one': { ratio: 0.9, p99Ms: 25 },
  list: { ratio: 0.9, p99Ms: 25 },
  create: { ratio: 0.8 },
  mixed: { ratio: 0.8 },
  'create-packed': { ratio: 0.8 },
};
