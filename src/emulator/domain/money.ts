import type { serialization } from 'square';
import { SquareApiError, errors } from '../plumbing/errors.js';
import { computedAmount } from '../plumbing/validation.js';

type Money = serialization.Money.Raw;
type Currency = serialization.Currency.Raw;

/** A Money's amount for arithmetic: Square's amounts are int64, so every sum goes through BigInt. */
export const amountOf = (money: Money | null | undefined): bigint => BigInt(money?.amount ?? 0);

/** A computed amount as wire Money; past int64 it is refused, as Square holds no more. */
export const money = (amount: bigint, currency: Currency): { amount: number | bigint; currency: Currency } => ({
  amount: computedAmount(amount),
  currency,
});

/** Money must be in the seller's currency (for refunds: the payment's). */
export function assertCurrency(m: { currency?: string | null }, currency: Currency, field: string): void {
  if (m.currency !== currency)
    throw SquareApiError.of(
      400,
      'INVALID_REQUEST_ERROR',
      'UNSUPPORTED_CURRENCY',
      `Only ${currency} is accepted here, but the amount was provided in ${m.currency}.`,
      field,
    );
}

/** The SDK's Money has both parts optional; a request's Money needs both. */
export function requireMoney(m: Money | null | undefined, field: string): void {
  if (!m) return;
  if (m.amount == null) throw errors.missing(`${field}.amount`);
  if (m.currency == null) throw errors.missing(`${field}.currency`);
}
