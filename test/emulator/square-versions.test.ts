import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { useEmulator } from '../support/emulator.js';
import { newToken, usd } from '../support/fixtures.js';

const square = useEmulator();

const SPEC = '2025-08-20';
const SDK = '2026-09-16';

const at = () => new Date().toISOString();

/** A merchant with a tracked variation and two locations, counted 10 IN_STOCK at the first. */
async function twoShops() {
  const token = newToken();
  const client = square.client(token);
  const main = (await client.locations.list()).locations![0]!.id!;
  const annex = (await client.locations.create({ location: { name: 'Annex' } })).location!.id!;
  const { idMappings } = await client.catalog.object.upsert({
    idempotencyKey: randomUUID(),
    object: {
      type: 'ITEM',
      id: '#cup',
      itemData: { name: 'Cup', variations: [{ type: 'ITEM_VARIATION', id: '#regular', itemVariationData: { name: 'Regular', priceMoney: usd(500), trackInventory: true } }] },
    },
  });
  const cup = idMappings!.find((m) => m.clientObjectId === '#regular')!.objectId!;
  await client.inventory.batchCreateChanges({
    idempotencyKey: randomUUID(),
    changes: [{ type: 'PHYSICAL_COUNT', physicalCount: { catalogObjectId: cup, state: 'IN_STOCK', locationId: main, quantity: '10', occurredAt: at() } }],
  });
  const post = (path: string, body: unknown, version?: string) => square.raw('POST', `/v2/inventory/${path}`, { token, body, version });
  const get = (path: string, version?: string) => square.raw('GET', `/v2/inventory/${path}`, { token, version });
  const batch = (changes: unknown[], version?: string, key = randomUUID()) => post('changes/batch-create', { idempotency_key: key, changes }, version);
  const inStock = async () => {
    const { counts } = (await post('counts/batch-retrieve', { catalog_object_ids: [cup], states: ['IN_STOCK'] })).body;
    return Object.fromEntries(counts.map((c: { location_id: string; quantity: string }) => [c.location_id, c.quantity]));
  };
  return { token, client, main, annex, cup, post, get, batch, inStock };
}

describe('Square-Version', () => {
  it('answers a call without one in the SDK’s version, and echoes the one asked for', async () => {
    const { rawResponse } = await square.client().locations.list().withRawResponse();
    expect(rawResponse.headers.get('square-version')).toBe(SDK);
    expect((await square.raw('GET', '/v2/locations')).headers.get('square-version')).toBe(SDK);
    expect((await square.raw('GET', '/v2/locations', { version: SPEC })).headers.get('square-version')).toBe(SPEC);
  });

  it('answers a release between the two it knows (2025-09-24, the square SDK 43’s) in the older one’s shapes', async () => {
    const { main, cup, batch } = await twoShops();
    const adjustment = { catalog_object_id: cup, from_state: 'IN_STOCK', to_state: 'WASTE', location_id: main, quantity: '1', occurred_at: at() };
    const res = await batch([{ type: 'ADJUSTMENT', adjustment }], '2025-09-24');
    expect(res.headers.get('square-version')).toBe('2025-09-24');
    expect(res.body.changes[0].adjustment).toMatchObject({ location_id: main });
  });

  it('refuses one that is not a date as INVALID_SQUARE_VERSION_FORMAT, and a date outside the releases it knows as INVALID_VALUE', async () => {
    for (const version of ['latest', '2025-8-20', '2025-02-30']) {
      const res = await square.raw('GET', '/v2/locations', { version });
      expect(res.status, version).toBe(400);
      expect(res.body.errors, version).toEqual([
        { category: 'INVALID_REQUEST_ERROR', code: 'INVALID_SQUARE_VERSION_FORMAT', detail: expect.stringContaining(version), field: 'Square-Version' },
      ]);
      expect(res.headers.get('square-version')).toBeNull();
    }
    for (const version of ['2024-12-18', '2027-01-14']) {
      const outside = await square.raw('GET', '/v2/locations', { version });
      expect(outside.status, version).toBe(400);
      expect(outside.body.errors).toEqual([
        {
          category: 'INVALID_REQUEST_ERROR',
          code: 'INVALID_VALUE',
          detail: `The emulator answers Square-Version ${SPEC} to ${SDK}, the releases whose shapes it knows, not ${version}.`,
          field: 'Square-Version',
        },
      ]);
    }
    // Before the token is looked at, and on the OAuth API too.
    expect((await square.raw('GET', '/v2/locations', { token: null, version: 'x' })).body.errors[0].code).toBe('INVALID_SQUARE_VERSION_FORMAT');
    expect((await square.raw('POST', '/oauth2/token', { token: null, version: 'x', body: {} })).body.errors[0].code).toBe('INVALID_SQUARE_VERSION_FORMAT');
  });

  it('logs the version each call asked for', async () => {
    await fetch(`${square.url}/_emulator/requests`, { method: 'DELETE' });
    const token = newToken();
    await square.raw('GET', '/v2/locations', { token, version: '2025-09-24' });
    await square.raw('GET', '/v2/locations', { token });
    await square.raw('GET', '/v2/locations', { token, version: 'soon' });
    const { requests } = (await (await fetch(`${square.url}/_emulator/requests`)).json()) as { requests: Array<{ square_version: string | null }> };
    expect(requests.map((r) => r.square_version)).toEqual(['2025-09-24', SDK, null]);
  });
});

describe('Inventory adjustments in each version', () => {
  it('take and give one location_id in 2025-08-20, from_location_id and to_location_id in 2026-09-16', async () => {
    const { main, cup, batch, inStock } = await twoShops();
    const waste = { catalog_object_id: cup, from_state: 'IN_STOCK', to_state: 'WASTE', quantity: '1', occurred_at: at() };

    const old = await batch([{ type: 'ADJUSTMENT', adjustment: { ...waste, location_id: main } }], SPEC);
    expect(old.status).toBe(200);
    expect(old.body.changes[0].adjustment).toMatchObject({ ...waste, location_id: main });
    expect(old.body.changes[0].adjustment).not.toHaveProperty('from_location_id');
    expect(old.body.changes[0].adjustment).not.toHaveProperty('to_location_id');

    const current = await batch([{ type: 'ADJUSTMENT', adjustment: { ...waste, from_location_id: main, to_location_id: main } }], SDK);
    expect(current.status).toBe(200);
    expect(current.body.changes[0].adjustment).toMatchObject({ ...waste, from_location_id: main, to_location_id: main });
    expect(current.body.changes[0].adjustment).not.toHaveProperty('location_id');
    expect(await inStock()).toEqual({ [main]: '8' });

    // Each version refuses the other's fields.
    expect((await batch([{ type: 'ADJUSTMENT', adjustment: { ...waste, location_id: main } }], SDK)).body.errors).toEqual([
      expect.objectContaining({ code: 'UNKNOWN_BODY_PARAMETER', field: 'changes[0].adjustment.location_id' }),
    ]);
    expect((await batch([{ type: 'ADJUSTMENT', adjustment: { ...waste, from_location_id: main } }], SPEC)).body.errors).toEqual([
      expect.objectContaining({ code: 'UNKNOWN_BODY_PARAMETER', field: 'changes[0].adjustment.from_location_id' }),
    ]);
    expect(await inStock()).toEqual({ [main]: '8' });
  });

  it('name 2025-08-20’s own fields in its errors', async () => {
    const { cup, batch } = await twoShops();
    const waste = { catalog_object_id: cup, from_state: 'IN_STOCK', to_state: 'WASTE', quantity: '1', occurred_at: at() };
    const errorsOf = async (adjustment: Record<string, unknown>) => (await batch([{ type: 'ADJUSTMENT', adjustment }], SPEC)).body.errors;
    expect(await errorsOf({ ...waste, location_id: 'L'.repeat(101) })).toEqual([
      { category: 'INVALID_REQUEST_ERROR', code: 'VALUE_TOO_LONG', detail: 'Field changes[0].adjustment.location_id must be at most 100 characters long', field: 'changes[0].adjustment.location_id' },
    ]);
    expect(await errorsOf(waste)).toEqual([expect.objectContaining({ code: 'MISSING_REQUIRED_PARAMETER', field: 'changes[0].adjustment.location_id' })]);
    expect(await errorsOf({ ...waste, location_id: 'LNOWHERE' })).toEqual([expect.objectContaining({ code: 'NOT_FOUND', field: 'changes[0].adjustment.location_id' })]);
  });

  it('read back from the same history in each version’s shapes', async () => {
    const { main, cup, batch, post, get } = await twoShops();
    const made = await batch([{ type: 'ADJUSTMENT', adjustment: { catalog_object_id: cup, from_state: 'IN_STOCK', to_state: 'WASTE', from_location_id: main, quantity: '2', occurred_at: at() } }]);
    const id = made.body.changes[0].adjustment.id;
    const history = (version: string) => post('changes/batch-retrieve', { catalog_object_ids: [cup], types: ['ADJUSTMENT'] }, version);
    expect((await history(SPEC)).body.changes).toEqual([{ type: 'ADJUSTMENT', adjustment: expect.objectContaining({ id, location_id: main }) }]);
    expect((await history(SDK)).body.changes).toEqual([{ type: 'ADJUSTMENT', adjustment: expect.objectContaining({ id, from_location_id: main, to_location_id: main }) }]);
    expect((await get(`adjustments/${id}`, SPEC)).body.adjustment).toEqual(expect.objectContaining({ id, location_id: main }));
    expect((await get(`adjustments/${id}`, SDK)).body.adjustment).toEqual(expect.objectContaining({ id, from_location_id: main, to_location_id: main }));
    expect((await get(`${cup}/changes`, SPEC)).body.changes.at(-1).adjustment).toEqual(expect.objectContaining({ id, location_id: main }));
  });

  it('replay an idempotency key in the version of the call that repeats it', async () => {
    const { main, cup, batch } = await twoShops();
    const key = randomUUID();
    const adjustment = { catalog_object_id: cup, from_state: 'IN_STOCK', to_state: 'WASTE', quantity: '1', occurred_at: at() };
    const first = await batch([{ type: 'ADJUSTMENT', adjustment: { ...adjustment, from_location_id: main, to_location_id: main } }], SDK, key);
    const again = await batch([{ type: 'ADJUSTMENT', adjustment: { ...adjustment, location_id: main } }], SPEC, key);
    expect(again.body.changes[0].adjustment).toMatchObject({ id: first.body.changes[0].adjustment.id, location_id: main });
    expect(again.body.counts).toEqual(first.body.counts);
  });
});

describe('Moves between locations', () => {
  it('are 2025-08-20 TRANSFERs that move a count from one location to the other', async () => {
    const { main, annex, cup, batch, get, post, inStock } = await twoShops();
    const transfer = { catalog_object_id: cup, state: 'IN_STOCK', from_location_id: main, to_location_id: annex, quantity: '4', occurred_at: at(), reference_id: 'truck-7' };
    const moved = await batch([{ type: 'TRANSFER', transfer }], SPEC);
    expect(moved.status).toBe(200);
    const id = moved.body.changes[0].transfer.id;
    expect(moved.body.changes).toEqual([{ type: 'TRANSFER', transfer: { ...transfer, id, catalog_object_type: 'ITEM_VARIATION', created_at: expect.any(String) } }]);
    expect(moved.body.counts.map((c: { location_id: string; quantity: string }) => [c.location_id, c.quantity])).toEqual([
      [main, '6'],
      [annex, '4'],
    ]);
    expect(await inStock()).toEqual({ [main]: '6', [annex]: '4' });

    expect((await get(`transfers/${id}`, SPEC)).body).toEqual({ transfer: moved.body.changes[0].transfer });
    expect((await get(`adjustments/${id}`, SPEC)).body.errors).toEqual([expect.objectContaining({ code: 'NOT_FOUND', field: 'adjustment_id' })]);
    const kinds = async (types: string[], location: string) =>
      (await post('changes/batch-retrieve', { catalog_object_ids: [cup], types, location_ids: [location] }, SPEC)).body.changes?.map((c: { type: string }) => c.type);
    expect(await kinds(['TRANSFER'], annex)).toEqual(['TRANSFER']);
    expect(await kinds(['PHYSICAL_COUNT', 'TRANSFER'], main)).toEqual(['PHYSICAL_COUNT', 'TRANSFER']);
    expect(await kinds(['ADJUSTMENT'], main)).toBeUndefined();
  });

  it('are 2026-09-16 adjustments between two locations in one state, and the same history reads as a TRANSFER in 2025-08-20', async () => {
    const { client, main, annex, cup, get, inStock } = await twoShops();
    const { changes } = await client.inventory.batchCreateChanges({
      idempotencyKey: randomUUID(),
      changes: [{ type: 'ADJUSTMENT', adjustment: { catalogObjectId: cup, fromState: 'IN_STOCK', toState: 'IN_STOCK', fromLocationId: main, toLocationId: annex, quantity: '3', occurredAt: at() } }],
    });
    expect(await inStock()).toEqual({ [main]: '7', [annex]: '3' });
    const id = changes![0]!.adjustment!.id!;
    expect((await client.inventory.getAdjustment({ adjustmentId: id })).adjustment).toMatchObject({ fromLocationId: main, toLocationId: annex });
    expect((await get(`transfers/${id}`, SPEC)).body.transfer).toMatchObject({ id, state: 'IN_STOCK', from_location_id: main, to_location_id: annex, quantity: '3' });
    // Gone in 2026-09-16: the endpoint and the change type.
    expect((await get(`transfers/${id}`, SDK)).body.errors).toEqual([
      { category: 'INVALID_REQUEST_ERROR', code: 'NOT_FOUND', detail: `No such endpoint: GET /v2/inventory/transfers/${id}` },
    ]);
  });

  it('refuse what neither version has: a move that changes state too, TRANSFER in 2026-09-16, a transfer to where it is', async () => {
    const { main, annex, cup, batch, inStock } = await twoShops();
    const move = { catalog_object_id: cup, from_location_id: main, to_location_id: annex, quantity: '1', occurred_at: at() };
    expect((await batch([{ type: 'ADJUSTMENT', adjustment: { ...move, from_state: 'IN_STOCK', to_state: 'WASTE' } }])).body.errors).toEqual([
      expect.objectContaining({ code: 'INVALID_VALUE', field: 'changes[0].adjustment.to_state' }),
    ]);
    expect((await batch([{ type: 'TRANSFER', transfer: { ...move, state: 'IN_STOCK' } }], SDK)).body.errors).toEqual(
      expect.arrayContaining([expect.objectContaining({ code: 'INVALID_ENUM_VALUE', field: 'changes[0].type' })]),
    );
    expect((await batch([{ type: 'TRANSFER', transfer: { ...move, to_location_id: main, state: 'IN_STOCK' } }], SPEC)).body.errors).toEqual([
      expect.objectContaining({ code: 'INVALID_VALUE', field: 'changes[0].transfer.state' }),
    ]);
    expect(await inStock()).toEqual({ [main]: '10' });
  });

  it('name a 2025-08-20 transfer’s own fields in its errors', async () => {
    const { main, annex, cup, batch } = await twoShops();
    const transfer = { catalog_object_id: cup, state: 'IN_STOCK', from_location_id: main, to_location_id: annex, quantity: '1', occurred_at: at() };
    const errorsOf = async (change: Record<string, unknown>) => (await batch([change], SPEC)).body.errors;
    expect(await errorsOf({ type: 'TRANSFER' })).toEqual([expect.objectContaining({ code: 'MISSING_REQUIRED_PARAMETER', field: 'changes[0].transfer' })]);
    expect(await errorsOf({ type: 'TRANSFER', transfer: { ...transfer, state: undefined } })).toEqual([
      expect.objectContaining({ code: 'MISSING_REQUIRED_PARAMETER', field: 'changes[0].transfer.state' }),
    ]);
    expect(await errorsOf({ type: 'TRANSFER', transfer: { ...transfer, state: 'LOST' } })).toEqual([
      expect.objectContaining({ code: 'INVALID_ENUM_VALUE', field: 'changes[0].transfer.state' }),
    ]);
    expect(await errorsOf({ type: 'TRANSFER', transfer: { ...transfer, to_location_id: 'LNOWHERE' } })).toEqual([
      expect.objectContaining({ code: 'NOT_FOUND', field: 'changes[0].transfer.to_location_id' }),
    ]);
    expect(await errorsOf({ type: 'TRANSFER', transfer: { ...transfer, from_state: 'IN_STOCK' } })).toEqual([
      expect.objectContaining({ code: 'UNKNOWN_BODY_PARAMETER', field: 'changes[0].transfer.from_state' }),
    ]);
  });
});
