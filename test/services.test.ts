// The service catalogue: read, create, rename, delete, and the guard that
// keeps a booked service in the catalogue.
import t from 'tap';
import { buildTestApi, type Schemas } from './helpers/api.js';
import { anOrder } from './helpers/fixtures.js';

const api = await buildTestApi(t);

t.test('GET /services lists the sample catalogue, sorted by id', async (t) => {
  const res = await api.get('/services');
  t.equal(res.status, 200);
  t.same(res.body.data.slice(0, 3), [
    { id: '123', name: 'Inspection' },
    { id: '456', name: 'Analysis' },
    { id: '789', name: 'Testing' },
  ]);
});

t.test('GET /services/{id} returns one service; an unknown id is 404', async (t) => {
  t.same((await api.get('/services/789')).body, { id: '789', name: 'Testing' });
  const missing = await api.get('/services/4040');
  t.equal(missing.status, 404);
  t.equal(missing.body.detail, 'Service 4040 does not exist.');
});

t.test('POST /services creates a service that orders can then book', async (t) => {
  const res = await api.post('/services', { name: 'Calibration' });
  t.equal(res.status, 201);
  t.equal(res.headers.location, `/services/${res.body.id}`);
  t.ok(Number(res.body.id) >= 1000);
  t.equal(res.body.name, 'Calibration');
  const order = await api.post('/orders', anOrder({ services: [{ id: res.body.id }] }));
  t.equal(order.status, 201);
  t.same(order.body.services, [{ id: res.body.id, name: 'Calibration' }]);
});

t.test('PUT /services/{id} renames it, and orders show the new name', async (t) => {
  const service = (await api.post('/services', { name: 'Survey' })).body;
  const order = (await api.post('/orders', anOrder({ services: [{ id: service.id }] }))).body;
  const res = await api.put(`/services/${service.id}`, { name: 'Site survey' });
  t.equal(res.status, 200);
  t.same(res.body, { id: service.id, name: 'Site survey' });
  t.same((await api.get(`/orders/${order.id}`)).body.services, [{ id: service.id, name: 'Site survey' }]);
  t.equal((await api.put('/services/4040', { name: 'x' })).status, 404, 'no upsert');
});

t.test('DELETE /services/{id} removes an unused service', async (t) => {
  const service = (await api.post('/services', { name: 'Temporary' })).body;
  t.equal((await api.delete(`/services/${service.id}`)).status, 204);
  t.equal((await api.get(`/services/${service.id}`)).status, 404);
  t.equal((await api.delete(`/services/${service.id}`)).status, 404);
});

t.test('a service that an order books cannot be deleted: 409, and it stays', async (t) => {
  const res = await api.delete('/services/123');
  t.equal(res.status, 409);
  t.equal(res.body.type, '/problems/service-in-use');
  t.equal((await api.get('/services/123')).status, 200);
});

t.test('once its orders are gone, the service can be deleted', async (t) => {
  const service = (await api.post('/services', { name: 'Once' })).body;
  const order = (await api.post('/orders', anOrder({ services: [{ id: service.id }] }))).body;
  t.equal((await api.delete(`/services/${service.id}`)).status, 409);
  await api.delete(`/orders/${order.id}`);
  t.equal((await api.delete(`/services/${service.id}`)).status, 204);
});

for (const [name, body, pointer] of [
  ['an empty name', { name: '' }, '#/name'],
  ['a blank name', { name: '   ' }, '#/name'],
  ['a name of 101 characters', { name: 'x'.repeat(101) }, '#/name'],
  ['a numeric name', { name: 42 }, '#/name'],
  ['no name', {}, '#/name'],
  ['a client-chosen id', { id: '5', name: 'x' }, '#/id'],
] as const) {
  t.test(`POST and PUT with ${name} are 400`, async (t) => {
    for (const res of [
      await api.post<Schemas['ValidationProblem']>('/services', body),
      await api.put<Schemas['ValidationProblem']>('/services/123', body),
    ]) {
      t.equal(res.status, 400);
      t.ok(res.body.errors.some((e) => e.pointer === pointer));
    }
    t.same((await api.get('/services/123')).body, { id: '123', name: 'Inspection' });
  });
}

t.test('a name of 100 characters, any script, is fine', async (t) => {
  const name = `${'ü'.repeat(99)}検`;
  const res = await api.post('/services', { name });
  t.equal(res.status, 201);
  t.equal(res.body.name, name);
});
