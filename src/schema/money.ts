import type { Square } from 'square';
import { builder } from './builder.js';
import { Currency } from './enums.js';

export type MoneyShape = Square.Money;

/** Minor units per currency, as Intl knows them (JPY 0, USD 2, KWD 3). */
function fractionDigits(currency: string): number {
  try {
    return new Intl.NumberFormat('en-US', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
  } catch {
    return 2;
  }
}

/** "$25.15" from 2515 USD, exactly, even for amounts beyond 2^53. */
export function formatMoney(amount: bigint, currency: string): string {
  const digits = fractionDigits(currency);
  const negative = amount < 0n;
  const units = (negative ? -amount : amount).toString().padStart(digits + 1, '0');
  const whole = units.slice(0, units.length - digits);
  const fraction = digits > 0 ? units.slice(units.length - digits) : '';
  const formatter = new Intl.NumberFormat('en-US', { style: 'currency', currency, minimumFractionDigits: digits });
  return formatter
    .formatToParts(0)
    .map((part) => {
      if (part.type === 'integer') return BigInt(whole).toLocaleString('en-US');
      if (part.type === 'fraction') return fraction;
      if (part.type === 'minusSign') return '';
      return part.value;
    })
    .join('')
    .replace(/^/, negative ? '-' : '');
}

export const Money = builder.objectRef<MoneyShape>('Money').implement({
  description: 'An amount of money in the smallest unit of its currency (cents for USD).',
  fields: (t) => ({
    amount: t.field({
      type: 'BigInt',
      nullable: false,
      description: 'The amount in the smallest currency unit, e.g. 2515 for $25.15.',
      resolve: (m) => m.amount ?? 0n,
    }),
    currency: t.field({
      type: Currency,
      nullable: false,
      description: 'The currency of the amount, as an ISO 4217 code.',
      resolve: (m) => m.currency ?? 'USD',
    }),
    formatted: t.string({
      nullable: false,
      description: 'The amount written for people in en-US style, e.g. "$25.15".',
      resolve: (m) => formatMoney(BigInt(m.amount ?? 0n), m.currency ?? 'USD'),
    }),
  }),
});

export const MoneyInput = builder.inputType('MoneyInput', {
  description: 'An amount of money to charge, refund or price with.',
  fields: (t) => ({
    amount: t.field({
      type: 'BigInt',
      required: true,
      description: 'The amount in the smallest currency unit, e.g. 2515 for $25.15; a string of digits or an Int.',
    }),
    currency: t.field({ type: Currency, required: true, description: 'ISO 4217 currency code; must be the seller’s currency.' }),
  }),
});
