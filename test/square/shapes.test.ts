import { readFileSync } from 'node:fs';
import { serialization, SquareError, type Square } from 'square';
import { describe, expect, it, vi } from 'vitest';
import { FILE, generatedShapes } from '../../scripts/square-shapes.js';
import { LIST, RECORD, SHAPE_ROOTS, type ShapeRoot } from '../../src/square/shape-flags.js';
import { SHAPES } from '../../src/square/shapes.generated.js';
import { fromSquare } from '../../src/square/shapes.js';
import { SQUARE_VERSION } from '../../src/square/client.js';
import { squareReader } from '../../src/square/reader.js';
import { useEmulator } from '../support/emulator.js';
import { arrangeMerchant } from '../support/merchant.js';

/** The options the SDK's clients parse every answer with. */
const SDK_PARSE = { unrecognizedObjectKeys: 'passthrough', allowUnrecognizedUnionMembers: true, allowUnrecognizedEnumValues: true, skipValidation: true } as const;

const sdkParse = (type: ShapeRoot, raw: unknown): unknown => (serialization[type] as { parse(raw: unknown, options: object): { ok: boolean; value?: unknown } }).parse(raw, SDK_PARSE).value;

type Leaves = 'values' | 'nulls' | 'refused';

/** A value of `kind` as Square sends it, or (`refused`) one of another kind. */
function leafOf(kind: string, leaves: Leaves): unknown {
  const name = kind.replace(/\?$/, '');
  if (leaves === 'nulls') return null;
  if (leaves === 'refused') return name === 'string' || name === 'enum' || name.startsWith('"') ? 7 : name === 'unknown' ? Symbol.for('kept') : 'text';
  const values: Record<string, unknown> = { string: 'text', enum: 'SOME_VALUE', boolean: true, number: 1.5, bigint: 1575, unknown: { any: ['thing'] } };
  return name in values ? values[name] : JSON.parse(name);
}

/**
 * Square's JSON for `type` with every key the SDK knows and one it does not: each plain
 * value per `leaves`, each nested object, list and record filled in turn (each list and record
 * with a member of each kind); a type inside itself is left out (null).
 */
function sample(type: string, leaves: Leaves, inside: string[] = []): Record<string, unknown> {
  const raw: Record<string, unknown> = { not_a_square_key: { kept_as_is: 1 } };
  for (const [key, [, flags, kind]] of Object.entries(SHAPES[type]!)) {
    const name = kind.replace(/\?$/, '');
    const nested = /^[A-Z]/.test(name);
    const one = nested ? (inside.includes(name) ? null : sample(name, leaves, [...inside, type])) : leafOf(kind, leaves);
    if (flags & LIST) raw[key] = leaves === 'refused' && !nested ? [leafOf(kind, 'values'), one, null] : [one, null];
    else if (flags & RECORD) raw[key] = { one_key: one, null_key: null };
    else raw[key] = one;
  }
  return raw;
}

describe('Square’s answers converted without the SDK’s schema transform', () => {
  it('reads every shape from the installed SDK as the generated module has it', () => {
    expect(readFileSync(FILE, 'utf8'), 'run `npm run square:shapes` after upgrading the square SDK').toBe(generatedShapes());
  });

  it('gives what the SDK gives for every key of every type, with values, nulls, unknown keys and values of another kind', () => {
    // The SDK warns of each value it does not validate (a null for a required key); the outputs are what is compared.
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      for (const root of SHAPE_ROOTS) {
        for (const leaf of ['values', 'nulls', 'refused'] as const) {
          const raw = sample(root, leaf);
          expect(fromSquare(root, raw), `${root} (${leaf})`).toStrictEqual(sdkParse(root, raw));
        }
        const odd = { errors: 'not a list', orders: [null, 'text', { total_money: { amount: 'text' } }], payment: [1] };
        expect(fromSquare(root, odd), `${root} (odd)`).toStrictEqual(sdkParse(root, odd));
        expect(fromSquare(root, 'text')).toStrictEqual(sdkParse(root, 'text'));
      }
    } finally {
      warn.mockRestore();
    }
  });

  describe('over the emulator', () => {
    const square = useEmulator();

    it('answers SearchOrders, BatchRetrieveOrders, RetrievePayment, ListCards, ListGiftCards and ListCustomers as the SDK’s client does, and fails as it does', async () => {
      const token = `shapes-${Date.now()}`;
      const client = square.client(token);
      const { locationId, customers } = await arrangeMerchant(client, { customers: 3, ordersPerCustomer: 2, giftCardsEvery: 1 });
      const reader = squareReader(square.url, token, SQUARE_VERSION, fetch);

      const request: Square.SearchOrdersRequest = {
        locationIds: [locationId],
        limit: 1000,
        query: { filter: { customerFilter: { customerIds: customers.map((c) => c.id) } }, sort: { sortField: 'CREATED_AT', sortOrder: 'DESC' } },
      };
      const orders = await reader.searchOrders(request);
      expect(orders.orders).toHaveLength(7);
      expect(orders).toStrictEqual(await client.orders.search(request));

      const orderIds = orders.orders!.map((o) => o.id!);
      const batch = await reader.batchGetOrders({ orderIds: [...orderIds, 'no-such-order'] });
      expect(batch.orders).toHaveLength(7);
      expect(batch).toStrictEqual(await client.orders.batchGet({ orderIds: [...orderIds, 'no-such-order'] }));

      const listing: Square.ListCustomersRequest = { limit: 2, sortField: 'CREATED_AT', sortOrder: 'ASC', count: true };
      const firstPage = await reader.listCustomers(listing);
      expect(firstPage.customers).toHaveLength(2);
      expect(firstPage).toStrictEqual((await client.customers.list(listing)).response);
      const next = { ...listing, cursor: firstPage.cursor };
      expect(await reader.listCustomers(next)).toStrictEqual((await client.customers.list(next)).response);

      for (const paymentId of customers.flatMap((c) => c.paymentIds)) {
        const payment = await reader.getPayment(paymentId);
        expect(typeof payment.payment?.amountMoney?.amount).toBe('bigint');
        expect(payment).toStrictEqual(await client.payments.get({ paymentId }));
      }

      for (const { id: customerId } of customers) {
        const cards = await reader.listCards({ customerId, includeDisabled: true, cursor: undefined });
        expect(cards.cards).toHaveLength(1);
        expect(cards).toStrictEqual((await client.cards.list({ customerId, includeDisabled: true })).response);
        const giftCards = await reader.listGiftCards({ customerId, limit: 200, cursor: undefined });
        expect(giftCards.giftCards).toHaveLength(1);
        expect(giftCards).toStrictEqual((await client.giftCards.list({ customerId, limit: 200 })).response);
      }

      const [mine, theirs] = await Promise.all([
        reader.getPayment('no-such-payment').catch((error: unknown) => error),
        client.payments.get({ paymentId: 'no-such-payment' }).catch((error: unknown) => error),
      ]);
      expect(mine).toBeInstanceOf(SquareError);
      expect((mine as SquareError).statusCode).toBe(404);
      expect((mine as SquareError).body).toStrictEqual((theirs as SquareError).body);
      expect((mine as SquareError).errors).toStrictEqual((theirs as SquareError).errors);
    });
  });
});
