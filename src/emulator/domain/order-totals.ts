/**
 * Square's order pricing as one algorithm (line items, modifiers, discounts, taxes, service charges,
 * apportioning and rounding): longer than most modules because its phases depend on each other.
 */
import type { serialization } from 'square';
import { errors } from '../plumbing/errors.js';
import { newId } from '../plumbing/ids.js';
import { computedAmount } from '../plumbing/validation.js';
import { catalogNotFound } from './catalog-pricing.js';

type Order = serialization.Order.Raw;
type LineItem = serialization.OrderLineItem.Raw;
type Tax = serialization.OrderLineItemTax.Raw;
type Discount = serialization.OrderLineItemDiscount.Raw;
type ServiceCharge = serialization.OrderServiceCharge.Raw;
type Money = serialization.Money.Raw;

/** An exact fraction; money arithmetic never goes through floating point. */
interface Fraction {
  n: bigint;
  d: bigint;
}

function gcd(a: bigint, b: bigint): bigint {
  let x = a < 0n ? -a : a;
  let y = b;
  while (y) [x, y] = [y, x % y];
  return x || 1n;
}

function fraction(n: bigint, d = 1n): Fraction {
  const g = gcd(n, d);
  return { n: n / g, d: d / g };
}

const mul = (a: Fraction, b: Fraction) => fraction(a.n * b.n, a.d * b.d);
const add = (a: Fraction, b: Fraction) => fraction(a.n * b.d + b.n * a.d, a.d * b.d);
const div = (a: Fraction, b: Fraction) => fraction(a.n * b.d, a.d * b.n);
const sum = (xs: Fraction[]) => xs.reduce(add, fraction(0n));
const ONE = fraction(1n);
const HUNDRED = fraction(100n);

/** Square computes order adjustments with bankers' rounding (half to even). */
export function roundHalfEven(x: Fraction): bigint {
  if (x.n < 0n) return -roundHalfEven({ n: -x.n, d: x.d });
  const q = x.n / x.d;
  const twice = 2n * (x.n % x.d);
  if (twice > x.d || (twice === x.d && q % 2n === 1n)) return q + 1n;
  return q;
}

function floor(x: Fraction): bigint {
  const q = x.n / x.d;
  return x.n < 0n && q * x.d !== x.n ? q - 1n : q;
}

/** A non-negative decimal string such as "1.5" or "8.625"; undefined when malformed. */
function parseDecimal(text: string): { value: Fraction; places: number } | undefined {
  const match = /^(\d+)(?:\.(\d+))?$/.exec(text);
  if (!match) return undefined;
  const places = match[2]?.length ?? 0;
  return { value: fraction(BigInt(match[1]! + (match[2] ?? '')), 10n ** BigInt(places)), places };
}

/**
 * Splits `total` in proportion to `weights` so that the parts add up to it exactly:
 * each part is rounded down, then the leftover units go to the largest remainders
 * (the earlier entry on a tie).
 */
export function apportion(total: bigint, weights: Fraction[]): bigint[] {
  const whole = sum(weights);
  if (whole.n === 0n) return weights.map(() => 0n);
  const exact = weights.map((w) => div(mul(fraction(total), w), whole));
  const parts = exact.map(floor);
  let left = total - parts.reduce((a, b) => a + b, 0n);
  const byRemainder = exact
    .map((x, i) => ({ i, rest: add(x, fraction(-parts[i]!)) }))
    .sort((a, b) => {
      const diff = a.rest.n * b.rest.d - b.rest.n * a.rest.d;
      return diff > 0n ? -1 : diff < 0n ? 1 : a.i - b.i;
    });
  for (const { i } of byRemainder) {
    if (left <= 0n) break;
    parts[i]! += 1n;
    left -= 1n;
  }
  return parts;
}

/** Where an order is sold decides its currency and how inclusive taxes show in gross sales. */
export interface PricingContext {
  currency: serialization.Currency.Raw;
  /** Location country: in the US, Canada and Japan inclusive tax is deducted from `gross_sales_money`. */
  country: string;
  /** Fills in what line items, modifiers, taxes and discounts named by `catalog_object_id` take from the catalog. */
  fromCatalog: (order: Order) => void;
}

const INCLUSIVE_TAX_OUTSIDE_GROSS = new Set(['US', 'CA', 'JP']);

/** One taxable or discountable amount: a line item or a service charge. */
interface Target {
  discounts: string[];
  taxes: string[];
  /** Amount left after the discounts applied so far. */
  remaining: Fraction;
  appliedDiscounts: Map<string, bigint>;
  appliedTaxes: Map<string, bigint>;
}

/**
 * Prices an order the way Square does and returns it with every read-only amount
 * filled in: per line item the variation total, gross sales, discounts, taxes and
 * total; per tax, discount and service charge the applied money; and the order's
 * totals, tips (from tenders), returns (from refunds) and net amounts.
 *
 * Discounts apply in Square's sequence (line item percentages, order percentages,
 * line item amounts, order amounts), each on what the earlier ones left. A
 * percentage or order-scoped adjustment is computed once over the amounts it applies
 * to and apportioned across them in proportion; a line-item-scoped fixed amount is
 * taken off each line that references it. Taxes apply to the discounted amounts;
 * inclusive taxes are extracted from them, additive taxes come on top of the
 * amount net of inclusive tax. Rounding is half to even.
 */
export function priceOrder(input: Order, pricing: PricingContext): Order {
  const order = structuredClone(input);
  pricing.fromCatalog(order);
  const currency = pricing.currency;
  const money = (amount: bigint): Money => ({ amount: computedAmount(amount), currency });
  const checkCurrency = (m: Money | null | undefined, path: string) => {
    if (m && m.currency !== currency)
      throw errors.invalidValue(path, `Money at ${path} is in ${m.currency}; this location uses ${currency}.`);
  };

  const taxes = order.taxes ?? [];
  const discounts = order.discounts ?? [];
  const serviceCharges = order.service_charges ?? [];
  const lineItems = order.line_items ?? [];
  assignUids([...lineItems, ...taxes, ...discounts, ...serviceCharges, ...(order.fulfillments ?? [])]);
  const taxByUid = indexByUid(taxes, 'order.taxes');
  const discountByUid = indexByUid(discounts, 'order.discounts');

  // A tax or discount without a scope is line-item scoped when a line item names it.
  const referenced = (uid: string, key: 'applied_taxes' | 'applied_discounts') =>
    lineItems.some((li) => (li[key] ?? []).some((a) => ('tax_uid' in a ? a.tax_uid : a.discount_uid) === uid));
  for (const tax of taxes) {
    tax.scope ??= referenced(tax.uid!, 'applied_taxes') ? 'LINE_ITEM' : 'ORDER';
    tax.type ??= 'ADDITIVE';
  }
  for (const discount of discounts) discount.scope ??= referenced(discount.uid!, 'applied_discounts') ? 'LINE_ITEM' : 'ORDER';
  validateTaxes(taxes);
  validateDiscounts(discounts, checkCurrency);

  const targets: Target[] = [];
  const gross: Fraction[] = [];
  lineItems.forEach((item, i) => {
    const path = `order.line_items[${i}]`;
    item.item_type ??= 'ITEM';
    const quantity = parseQuantity(item, path);
    if (!item.base_price_money) throw errors.missing(`${path}.base_price_money`);
    checkCurrency(item.base_price_money, `${path}.base_price_money`);
    const variation = roundHalfEven(mul(fraction(BigInt(item.base_price_money.amount ?? 0)), quantity));
    item.variation_total_price_money = money(variation);
    let lineGross = variation;
    (item.modifiers ?? []).forEach((modifier, m) => {
      const at = `${path}.modifiers[${m}]`;
      modifier.uid ??= newId.uid();
      if (!modifier.base_price_money) throw errors.missing(`${at}.base_price_money`);
      checkCurrency(modifier.base_price_money, `${at}.base_price_money`);
      const count = modifier.quantity == null ? ONE : parseDecimal(modifier.quantity)?.value;
      if (!count) throw errors.invalidValue(`${at}.quantity`, `Invalid modifier quantity: ${modifier.quantity}`);
      const total = roundHalfEven(mul(mul(fraction(BigInt(modifier.base_price_money.amount ?? 0)), count), quantity));
      modifier.total_price_money = money(total);
      lineGross += total;
    });
    gross.push(fraction(lineGross));

    item.applied_discounts = withOrderScoped(item.applied_discounts ?? [], discounts, 'discount_uid');
    item.applied_taxes = withOrderScoped(item.applied_taxes ?? [], taxes, 'tax_uid');
    for (const [a, applied] of item.applied_discounts.entries())
      if (!discountByUid.has(applied.discount_uid))
        throw errors.invalidValue(`${path}.applied_discounts[${a}].discount_uid`, `No discount with uid ${applied.discount_uid} in order.discounts.`);
    for (const [a, applied] of item.applied_taxes.entries())
      if (!taxByUid.has(applied.tax_uid))
        throw errors.invalidValue(`${path}.applied_taxes[${a}].tax_uid`, `No tax with uid ${applied.tax_uid} in order.taxes.`);
    targets.push({
      discounts: item.applied_discounts.map((a) => a.discount_uid),
      taxes: item.applied_taxes.map((a) => a.tax_uid),
      remaining: fraction(lineGross),
      appliedDiscounts: new Map(),
      appliedTaxes: new Map(),
    });
  });

  applyDiscounts(discounts, targets);

  const inclusiveTotals = applyTaxes(taxes, targets);
  const discountTotals = new Map<string, bigint>();
  const taxTotals = new Map<string, bigint>();
  const tally = (into: Map<string, bigint>, from: Map<string, bigint>) => {
    for (const [uid, amount] of from) into.set(uid, (into.get(uid) ?? 0n) + amount);
  };

  const deductInclusive = INCLUSIVE_TAX_OUTSIDE_GROSS.has(pricing.country);
  let linesTotal = 0n;
  lineItems.forEach((item, i) => {
    const target = targets[i]!;
    tally(discountTotals, target.appliedDiscounts);
    tally(taxTotals, target.appliedTaxes);
    const lineDiscount = roundHalfEven(gross[i]!) - roundHalfEven(target.remaining);
    const lineTax = [...target.appliedTaxes.values()].reduce((a, b) => a + b, 0n);
    const inclusive = inclusiveTotals[i]!;
    const total = roundHalfEven(target.remaining) + lineTax - inclusive;
    item.gross_sales_money = money(roundHalfEven(gross[i]!) - (deductInclusive ? inclusive : 0n));
    item.total_discount_money = money(lineDiscount);
    item.total_tax_money = money(lineTax);
    item.total_money = money(total);
    item.total_service_charge_money = money(0n);
    for (const applied of item.applied_discounts!) applied.applied_money = money(target.appliedDiscounts.get(applied.discount_uid) ?? 0n);
    for (const applied of item.applied_taxes!) applied.applied_money = money(target.appliedTaxes.get(applied.tax_uid) ?? 0n);
    linesTotal += total;
  });

  const subtotal = targets.reduce((acc, t) => acc + roundHalfEven(t.remaining), 0n);
  const charges = priceServiceCharges(serviceCharges, taxes, taxByUid, { subtotal, linesTotal }, { money, checkCurrency });
  tally(taxTotals, charges.taxes);

  for (const discount of discounts) discount.applied_money = money(discountTotals.get(discount.uid!) ?? 0n);
  for (const tax of taxes) tax.applied_money = money(taxTotals.get(tax.uid!) ?? 0n);
  for (const [s, charge] of serviceCharges.entries()) {
    const priced = charges.priced[s]!;
    charge.applied_money = money(priced.applied);
    charge.total_tax_money = money(priced.tax);
    charge.total_money = money(priced.total);
    charge.type ??= 'CUSTOM';
  }

  const sumOf = (items: Array<{ amount_money?: Money | null }> | null | undefined) =>
    (items ?? []).reduce((acc, x) => acc + BigInt(x.amount_money?.amount ?? 0), 0n);
  const tip = (order.tenders ?? []).reduce((acc, t) => acc + BigInt(t.tip_money?.amount ?? 0), 0n);
  const lineTaxes = lineItems.reduce((acc, li) => acc + BigInt(li.total_tax_money!.amount!), 0n);
  const totals = {
    total: linesTotal + charges.priced.reduce((acc, p) => acc + p.total, 0n) + tip,
    tax: lineTaxes + charges.priced.reduce((acc, p) => acc + p.tax, 0n),
    discount: lineItems.reduce((acc, li) => acc + BigInt(li.total_discount_money!.amount!), 0n),
    tip,
    serviceCharge: charges.priced.reduce((acc, p) => acc + p.applied, 0n),
  };
  order.total_money = money(totals.total);
  order.total_tax_money = money(totals.tax);
  order.total_discount_money = money(totals.discount);
  order.total_tip_money = money(totals.tip);
  order.total_service_charge_money = money(totals.serviceCharge);

  // A refund returns money without itemizing it: it shows in return_amounts' total only.
  const refunded = sumOf((order.refunds ?? []).filter((r) => r.status === 'PENDING' || r.status === 'APPROVED'));
  const amounts = (t: bigint, tax: bigint, discount: bigint, tipMoney: bigint, serviceCharge: bigint) => ({
    total_money: money(t),
    tax_money: money(tax),
    discount_money: money(discount),
    tip_money: money(tipMoney),
    service_charge_money: money(serviceCharge),
  });
  if (order.refunds?.length) order.return_amounts = amounts(refunded, 0n, 0n, 0n, 0n);
  else delete order.return_amounts;
  order.net_amounts = amounts(totals.total - refunded, totals.tax, totals.discount, totals.tip, totals.serviceCharge);
  const paid = sumOf(order.tenders);
  order.net_amount_due_money = money(totals.total > paid ? totals.total - paid : 0n);
  return order;
}

function assignUids(items: Array<{ uid?: string | null }>): void {
  for (const item of items) item.uid ??= newId.uid();
}

function indexByUid<T extends { uid?: string | null }>(items: T[], path: string): Map<string, T> {
  const map = new Map<string, T>();
  items.forEach((item, i) => {
    if (map.has(item.uid!)) throw errors.invalidValue(`${path}[${i}].uid`, `Duplicate uid ${item.uid} in ${path}.`);
    map.set(item.uid!, item);
  });
  return map;
}

/** Square adds an applied entry on every line item for each order-scoped tax or discount. */
function withOrderScoped<K extends 'tax_uid' | 'discount_uid', A extends { uid?: string | null } & Record<K, string>>(
  applied: A[],
  adjustments: Array<{ uid?: string | null; scope?: string | null }>,
  key: K,
): A[] {
  const result: A[] = applied.map((a) => ({ ...a, uid: a.uid ?? newId.uid() }));
  for (const adjustment of adjustments) {
    if (adjustment.scope !== 'ORDER' || result.some((a) => a[key] === adjustment.uid)) continue;
    result.push({ uid: newId.uid(), [key]: adjustment.uid } as A);
  }
  return result;
}

function parseQuantity(item: LineItem, path: string): Fraction {
  if (item.quantity == null) throw errors.missing(`${path}.quantity`);
  const parsed = parseDecimal(item.quantity);
  if (!parsed) throw errors.invalidValue(`${path}.quantity`, `Invalid quantity: ${item.quantity}`);
  // Whole numbers count items; decimals are measurements and need a quantity_unit to give their precision.
  const precision = item.quantity_unit ? (item.quantity_unit.precision ?? 5) : 0;
  if (parsed.places > precision)
    throw errors.invalidValue(
      `${path}.quantity`,
      `Quantity ${item.quantity} has more decimal places than the precision ${precision} of its quantity_unit.`,
    );
  return parsed.value;
}

function percentageOf(text: string | null | undefined, path: string, max?: number): Fraction {
  const parsed = text == null ? undefined : parseDecimal(text);
  if (!parsed) throw errors.invalidValue(path, `Invalid percentage: ${text ?? ''}`);
  if (max !== undefined && parsed.value.n > BigInt(max) * parsed.value.d)
    throw errors.invalidValue(path, `Percentage ${text} is above ${max}.`);
  return div(parsed.value, HUNDRED);
}

function validateTaxes(taxes: Tax[]): void {
  taxes.forEach((tax, i) => {
    percentageOf(tax.percentage, `order.taxes[${i}].percentage`);
  });
}

function validateDiscounts(discounts: Discount[], checkCurrency: (m: Money | null | undefined, path: string) => void): void {
  discounts.forEach((discount, i) => {
    const path = `order.discounts[${i}]`;
    if (!discount.type) throw errors.missing(`${path}.type`);
    if (isPercentage(discount)) {
      if (discount.amount_money) throw errors.invalidValue(`${path}.amount_money`, 'A percentage discount cannot set amount_money.');
      percentageOf(discount.percentage, `${path}.percentage`, 100);
    } else {
      if (discount.percentage != null) throw errors.invalidValue(`${path}.percentage`, 'An amount discount cannot set percentage.');
      if (!discount.amount_money) throw errors.missing(`${path}.amount_money`);
      checkCurrency(discount.amount_money, `${path}.amount_money`);
    }
  });
}

const isPercentage = (d: Discount) => d.type === 'FIXED_PERCENTAGE' || d.type === 'VARIABLE_PERCENTAGE';

function applyDiscounts(discounts: Discount[], targets: Target[]): void {
  const phases: Array<[scope: string, percentage: boolean]> = [
    ['LINE_ITEM', true],
    ['ORDER', true],
    ['LINE_ITEM', false],
    ['ORDER', false],
  ];
  for (const [scope, percentage] of phases) {
    for (const discount of discounts) {
      if (discount.scope !== scope || isPercentage(discount) !== percentage) continue;
      const uid = discount.uid!;
      const applying = targets.filter((t) => t.discounts.includes(uid));
      let parts: bigint[];
      if (percentage) {
        const rate = percentageOf(discount.percentage, 'percentage');
        const base = sum(applying.map((t) => t.remaining));
        parts = apportion(roundHalfEven(mul(base, rate)), applying.map((t) => t.remaining));
      } else {
        const amount = BigInt(discount.amount_money!.amount ?? 0);
        const capped = (available: Fraction) => {
          const whole = roundHalfEven(available);
          return amount < whole ? amount : whole;
        };
        parts =
          scope === 'LINE_ITEM'
            ? applying.map((t) => capped(t.remaining))
            : apportion(capped(sum(applying.map((t) => t.remaining))), applying.map((t) => t.remaining));
      }
      applying.forEach((t, k) => {
        t.remaining = add(t.remaining, fraction(-parts[k]!));
        t.appliedDiscounts.set(uid, (t.appliedDiscounts.get(uid) ?? 0n) + parts[k]!);
      });
    }
  }
}

/** Applies every tax to the line item targets; returns each target's inclusive tax. */
function applyTaxes(taxes: Tax[], targets: Target[]): bigint[] {
  const rate = (tax: Tax) => percentageOf(tax.percentage, 'percentage');
  const inclusiveRate = (t: Target) =>
    sum(taxes.filter((tax) => tax.type === 'INCLUSIVE' && t.taxes.includes(tax.uid!)).map(rate));
  const inclusive = targets.map(() => 0n);
  for (const tax of taxes.filter((x) => x.type === 'INCLUSIVE')) {
    const indexes = targets.flatMap((t, i) => (t.taxes.includes(tax.uid!) ? [i] : []));
    const exact = indexes.map((i) => div(mul(targets[i]!.remaining, rate(tax)), add(ONE, inclusiveRate(targets[i]!))));
    const parts = apportion(roundHalfEven(sum(exact)), exact);
    indexes.forEach((i, k) => {
      inclusive[i]! += parts[k]!;
      targets[i]!.appliedTaxes.set(tax.uid!, parts[k]!);
    });
  }
  for (const tax of taxes.filter((x) => x.type !== 'INCLUSIVE')) {
    const indexes = targets.flatMap((t, i) => (t.taxes.includes(tax.uid!) ? [i] : []));
    const bases = indexes.map((i) => add(targets[i]!.remaining, fraction(-inclusive[i]!)));
    const parts = apportion(roundHalfEven(mul(sum(bases), rate(tax))), bases);
    indexes.forEach((i, k) => targets[i]!.appliedTaxes.set(tax.uid!, parts[k]!));
  }
  return inclusive;
}

interface PricedCharge {
  applied: bigint;
  tax: bigint;
  total: bigint;
}

/**
 * Service charges of the subtotal phase apply to the discounted subtotal and may be
 * taxed (order-scoped taxes, plus line-item-scoped ones they reference); those of the
 * total phase apply to the total after taxes and are never taxable.
 */
function priceServiceCharges(
  charges: ServiceCharge[],
  taxes: Tax[],
  taxByUid: Map<string, Tax>,
  base: { subtotal: bigint; linesTotal: bigint },
  { money, checkCurrency }: { money: (amount: bigint) => Money; checkCurrency: (m: Money | null | undefined, path: string) => void },
): { priced: PricedCharge[]; taxes: Map<string, bigint> } {
  const taxTotals = new Map<string, bigint>();
  const priced: PricedCharge[] = [];
  let subtotalPhaseTotal = 0n;
  const order = charges.map((c, i) => ({ c, i }));
  order.sort((a, b) => Number(a.c.calculation_phase === 'TOTAL_PHASE') - Number(b.c.calculation_phase === 'TOTAL_PHASE'));
  for (const { c: charge, i } of order) {
    const path = `order.service_charges[${i}]`;
    if (charge.catalog_object_id) throw catalogNotFound(charge.catalog_object_id, `${path}.catalog_object_id`, 'Service charge');
    const phase = charge.calculation_phase ?? 'SUBTOTAL_PHASE';
    charge.calculation_phase = phase;
    if (phase !== 'SUBTOTAL_PHASE' && phase !== 'TOTAL_PHASE')
      throw errors.invalidValue(`${path}.calculation_phase`, `The emulator does not apportion service charges (${phase}).`);
    if (charge.treatment_type === 'APPORTIONED_TREATMENT')
      throw errors.invalidValue(`${path}.treatment_type`, 'The emulator does not apportion service charges.');
    if ((charge.percentage == null) === (charge.amount_money == null))
      throw errors.invalidValue(path, 'Exactly one of percentage or amount_money must be set on a service charge.');
    if (phase === 'TOTAL_PHASE' && charge.taxable)
      throw errors.invalidValue(`${path}.taxable`, 'Service charges calculated in the TOTAL_PHASE cannot be taxable.');
    checkCurrency(charge.amount_money, `${path}.amount_money`);
    const over = phase === 'SUBTOTAL_PHASE' ? base.subtotal : base.linesTotal + subtotalPhaseTotal;
    const applied =
      charge.amount_money != null
        ? BigInt(charge.amount_money.amount ?? 0)
        : roundHalfEven(mul(fraction(over), percentageOf(charge.percentage, `${path}.percentage`)));

    let inclusive = 0n;
    let additive = 0n;
    if (charge.taxable) {
      charge.applied_taxes = withOrderScoped(charge.applied_taxes ?? [], taxes, 'tax_uid');
      for (const [a, ref] of charge.applied_taxes.entries())
        if (!taxByUid.has(ref.tax_uid))
          throw errors.invalidValue(`${path}.applied_taxes[${a}].tax_uid`, `No tax with uid ${ref.tax_uid} in order.taxes.`);
      const applying = charge.applied_taxes.map((ref) => taxByUid.get(ref.tax_uid)!);
      const rate = (tax: Tax) => percentageOf(tax.percentage, 'percentage');
      const inclusiveRate = sum(applying.filter((t) => t.type === 'INCLUSIVE').map(rate));
      const amounts = new Map<string, bigint>();
      for (const tax of applying.filter((t) => t.type === 'INCLUSIVE')) {
        const amount = roundHalfEven(div(mul(fraction(applied), rate(tax)), add(ONE, inclusiveRate)));
        amounts.set(tax.uid!, amount);
        inclusive += amount;
      }
      for (const tax of applying.filter((t) => t.type !== 'INCLUSIVE')) {
        const amount = roundHalfEven(mul(fraction(applied - inclusive), rate(tax)));
        amounts.set(tax.uid!, amount);
        additive += amount;
      }
      for (const ref of charge.applied_taxes) {
        const amount = amounts.get(ref.tax_uid) ?? 0n;
        ref.applied_money = money(amount);
        taxTotals.set(ref.tax_uid, (taxTotals.get(ref.tax_uid) ?? 0n) + amount);
      }
    }
    const total = applied + additive;
    if (phase === 'SUBTOTAL_PHASE') subtotalPhaseTotal += total;
    priced[i] = { applied, tax: inclusive + additive, total };
  }
  return { priced, taxes: taxTotals };
}
