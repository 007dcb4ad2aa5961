import { describe, expect, it } from 'vitest';
import { useEmulator } from '../support/emulator.js';
import { failure, newToken } from '../support/fixtures.js';

const square = useEmulator();

describe('Merchants API', () => {
  it('lists the token’s one merchant and retrieves it by id and as `me`, with its main location', async () => {
    const token = newToken();
    const client = square.client(token);
    const { data, response } = await client.merchants.list();
    expect(response.cursor).toBeUndefined();
    const [merchant] = data;
    const { locations } = await client.locations.list();
    expect(data).toHaveLength(1);
    expect(merchant).toMatchObject({
      id: square.emulator.ctx.merchantFor(token),
      businessName: 'Emulated Seller',
      country: 'US',
      languageCode: 'en-US',
      currency: 'USD',
      status: 'ACTIVE',
      mainLocationId: locations![0]!.id,
    });
    expect(Date.parse(merchant!.createdAt!)).not.toBeNaN();
    expect((await client.merchants.get({ merchantId: merchant!.id! })).merchant).toEqual(merchant);
    expect((await client.merchants.get({ merchantId: 'me' })).merchant).toEqual(merchant);
  });

  it('answers NOT_FOUND for another merchant’s id, which a token cannot see', async () => {
    const other = (await square.client().merchants.get({ merchantId: 'me' })).merchant!.id!;
    for (const merchantId of [other, 'MLNOPE']) {
      expect(await failure(square.client().merchants.get({ merchantId }))).toMatchObject({
        status: 404,
        errors: [{ category: 'INVALID_REQUEST_ERROR', code: 'NOT_FOUND', field: 'merchant_id' }],
      });
    }
  });

  it('refuses a cursor that is not an integer', async () => {
    const res = await square.raw('GET', '/v2/merchants?cursor=abc', { token: newToken() });
    expect(res.status).toBe(400);
    expect(res.body.errors[0]).toMatchObject({ code: 'EXPECTED_INTEGER', field: 'cursor' });
  });
});
