import { Square } from 'square';
import { z } from 'zod';
import type { GatewayContext } from '../../context/gateway-context.js';
import { builder } from '../../schema/builder.js';
import { DiscountScope, DiscountType, TaxScope, TaxType } from './enums.js';
import { ConflictError, NotFoundError, ValidationError } from '../../schema/errors.js';
import { MoneyInput } from '../../schema/money.js';
import { OrderRef } from './refs.js';
import { IDEMPOTENCY_KEY_MAX, SQUARE_ID, idInput, idempotencyKey, mutationErrors, requireCustomer, squareWrite, validateInput } from '../../schema/write.js';
import { staleAfter as payments } from '../payments/events.js';
import { staleAfter } from './events.js';

// ---------------------------------------------------------------------------------------------
// Checks before any Square call. Absent and null both mean "not given": nulls become undefined,
// which the SDK leaves out of the request, so a retry is the same request either way.

const optional = <S extends z.ZodType>(schema: S) => schema.nullish().transform((v) => v ?? undefined);

const money = z.object({
  amount: z.bigint().nonnegative('amount must not be negative'),
  currency: z.enum(Square.Currency),
});
const uid = z.string().min(1, 'uid must not be empty').max(60, 'uid is at most 60 characters');
const DECIMAL = /^\d+(\.\d+)?$/;
const percentage = z.string().max(10, 'percentage is at most 10 characters').regex(DECIMAL, 'percentage is a decimal number, e.g. "8.5"');

const lineItemSchema = z
  .object({
    name: optional(z.string().max(512, 'name is at most 512 characters')),
    // Without a measurement unit Square counts items, so only whole numbers are accepted.
    quantity: z
      .string()
      .regex(/^\d{1,12}$/, 'quantity is a whole number of items of up to 12 digits, e.g. "2"')
      .refine((q) => /[1-9]/.test(q), 'quantity must be greater than 0'),
    basePriceMoney: optional(money),
    catalogObjectId: optional(SQUARE_ID),
    note: optional(z.string().max(2000, 'note is at most 2000 characters')),
    appliedTaxUids: optional(z.array(uid)),
    appliedDiscountUids: optional(z.array(uid)),
  })
  .refine((li) => li.basePriceMoney !== undefined || li.catalogObjectId !== undefined, {
    message: 'A line item needs basePriceMoney, or catalogObjectId to take the price from the catalog.',
    path: ['basePriceMoney'],
  });

const taxSchema = z.object({
  uid: optional(uid),
  name: z.string().min(1, 'name must not be empty').max(255, 'name is at most 255 characters'),
  percentage,
  type: optional(z.enum(['ADDITIVE', 'INCLUSIVE'], 'type is ADDITIVE or INCLUSIVE')),
  scope: optional(z.enum(['LINE_ITEM', 'ORDER'], 'scope is LINE_ITEM or ORDER')),
});

const discountSchema = z
  .object({
    uid: optional(uid),
    name: z.string().min(1, 'name must not be empty').max(255, 'name is at most 255 characters'),
    // Square takes the variable kinds only for catalog discounts, which this input cannot name.
    type: z.enum(['FIXED_PERCENTAGE', 'FIXED_AMOUNT'], 'type is FIXED_PERCENTAGE or FIXED_AMOUNT'),
    percentage: optional(percentage),
    amountMoney: optional(money),
    scope: optional(z.enum(['LINE_ITEM', 'ORDER'], 'scope is LINE_ITEM or ORDER')),
  })
  .superRefine((d, ctx) => {
    const issue = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: [path], message });
    if (d.type === 'FIXED_PERCENTAGE') {
      if (d.percentage === undefined) issue('percentage', 'A FIXED_PERCENTAGE discount needs percentage.');
      else if (Number(d.percentage) > 100) issue('percentage', 'percentage is at most 100.');
      if (d.amountMoney !== undefined) issue('amountMoney', 'A FIXED_PERCENTAGE discount takes percentage, not amountMoney.');
    } else {
      if (d.amountMoney === undefined) issue('amountMoney', 'A FIXED_AMOUNT discount needs amountMoney.');
      if (d.percentage !== undefined) issue('percentage', 'A FIXED_AMOUNT discount takes amountMoney, not percentage.');
    }
  });

const createSchema = z
  .object({
    referenceId: optional(z.string().max(40, 'referenceId is at most 40 characters')),
    source: optional(z.string().min(1, 'source must not be empty').max(255, 'source is at most 255 characters')),
    lineItems: z.array(lineItemSchema).min(1, 'An order needs at least one line item.'),
    taxes: optional(z.array(taxSchema)),
    discounts: optional(z.array(discountSchema)),
    pricingOptions: optional(z.object({ autoApplyTaxes: optional(z.boolean()), autoApplyDiscounts: optional(z.boolean()) })),
    idempotencyKey: idempotencyKey(IDEMPOTENCY_KEY_MAX.createOrder),
  })
  .superRefine((order, ctx) => {
    const issue = (path: Array<string | number>, message: string) => ctx.addIssue({ code: 'custom', path, message });
    const uids = (list: Array<{ uid?: string | undefined }> | undefined, name: string) => {
      const seen = new Set<string>();
      list?.forEach((x, i) => {
        if (x.uid === undefined) return;
        if (seen.has(x.uid)) issue([name, i, 'uid'], `Another entry of ${name} has the same uid.`);
        seen.add(x.uid);
      });
      return seen;
    };
    const taxUids = uids(order.taxes, 'taxes');
    const discountUids = uids(order.discounts, 'discounts');
    order.lineItems.forEach((li, i) => {
      li.appliedTaxUids?.forEach((u, j) => {
        if (!taxUids.has(u)) issue(['lineItems', i, 'appliedTaxUids', j], 'No tax of this order has this uid.');
      });
      li.appliedDiscountUids?.forEach((u, j) => {
        if (!discountUids.has(u)) issue(['lineItems', i, 'appliedDiscountUids', j], 'No discount of this order has this uid.');
      });
    });
    // Square prices an order in one currency, its location's.
    const amounts = [
      ...order.lineItems.map((li, i) => ({ path: ['lineItems', i, 'basePriceMoney'], money: li.basePriceMoney })),
      ...(order.discounts ?? []).map((d, i) => ({ path: ['discounts', i, 'amountMoney'], money: d.amountMoney })),
    ].filter((a) => a.money !== undefined);
    const mismatch = amounts.find((a) => a.money!.currency !== amounts[0]!.money!.currency);
    if (mismatch) issue([...mismatch.path, 'currency'], 'Every amount of an order is in the same currency.');
  });

const paySchema = z.object({
  paymentIds: z.array(z.string()).superRefine((ids, ctx) => {
    const dup = ids.findIndex((id, i) => ids.indexOf(id) !== i);
    if (dup >= 0) ctx.addIssue({ code: 'custom', path: [dup], message: 'The same payment is listed twice.' });
  }),
  orderVersion: optional(z.number().int().min(1, 'orderVersion is at least 1')),
  idempotencyKey: idempotencyKey(IDEMPOTENCY_KEY_MAX.payOrder),
});

/**
 * Square names order fields as `order.line_items[0].quantity`; squareWrite has made that
 * `input.order.lineItems[0].quantity`. The input nests no `order` and names applied taxes
 * and discounts by uid, so the path becomes `input.lineItems.0.quantity`.
 */
function orderField(error: unknown): unknown {
  if (!(error instanceof ValidationError)) return error;
  const field = error.field
    .replace(/^input\.order(\.|$)/, 'input$1')
    .replace(/\[(\d+)\]/g, '.$1')
    .replace(/\.applied(Tax|Discount)(?:es|s)\.(\d+)\.(?:tax|discount)Uid$/, '.applied$1Uids.$2');
  return new ValidationError(error.message, field, error.code);
}

/** The seller's main location: the first Square lists. */
async function mainLocationId(ctx: GatewayContext): Promise<string> {
  const [main] = await ctx.loaders.call(() => ctx.loaders.locations());
  if (!main?.id) throw new NotFoundError('The seller has no location to create the order at.', 'input.locationId');
  return main.id;
}

/** After an order changed: the new order for this request, and fresh order lists for its customers. */
function orderChanged(ctx: GatewayContext, order: Square.Order): void {
  ctx.loaders.order.clear(order.id!).prime(order.id!, order);
  const owners = new Set([order.customerId, ...(order.tenders ?? []).map((t) => t.customerId)]);
  for (const id of owners) if (id) ctx.loaders.ordersByCustomer.clear(id);
}

// ---------------------------------------------------------------------------------------------
// Inputs

const OrderLineItemInput = builder.inputType('OrderLineItemInput', {
  description: 'One line of a new order: an item at a price, or a catalog item variation, and how many.',
  fields: (t) => ({
    name: t.string({ required: false, description: 'The name of the item, up to 512 characters; shown on receipts.' }),
    quantity: t.string({
      required: true,
      description: 'How many, as a string of a whole number greater than 0, e.g. "2"; up to 12 digits.',
    }),
    basePriceMoney: t.field({
      type: MoneyInput,
      required: false,
      description: 'The price of one unit, 0 or more; needed unless catalogObjectId gives the price.',
    }),
    catalogObjectId: t.string({
      required: false,
      description: 'The Square id of a catalog item variation to sell; its name and price come from the catalog.',
    }),
    note: t.string({ required: false, description: 'A note on this line, e.g. a special request; up to 2000 characters.' }),
    appliedTaxUids: t.stringList({
      required: false,
      description: 'The uids of this order’s LINE_ITEM taxes that apply to this line; ORDER taxes apply to every line anyway.',
    }),
    appliedDiscountUids: t.stringList({
      required: false,
      description: 'The uids of this order’s LINE_ITEM discounts that apply to this line; ORDER discounts apply to every line anyway.',
    }),
  }),
});

const OrderTaxInput = builder.inputType('OrderTaxInput', {
  description: 'A tax on a new order, as a percentage.',
  fields: (t) => ({
    uid: t.string({ required: false, description: 'Your id for this tax within the order (up to 60 characters), to name it in appliedTaxUids.' }),
    name: t.string({ required: true, description: 'The name of the tax, e.g. "Sales tax"; up to 255 characters.' }),
    percentage: t.string({ required: true, description: 'The rate as a decimal string, e.g. "8.5" for 8.5%.' }),
    type: t.field({ type: TaxType, required: false, description: 'ADDITIVE (on top of prices, the default) or INCLUSIVE (already in them).' }),
    scope: t.field({
      type: TaxScope,
      required: false,
      description: 'ORDER (every line) or LINE_ITEM (only lines naming it); when absent, LINE_ITEM if a line names it, else ORDER.',
    }),
  }),
});

const OrderDiscountInput = builder.inputType('OrderDiscountInput', {
  description: 'A discount on a new order: a percentage, or a fixed amount.',
  fields: (t) => ({
    uid: t.string({
      required: false,
      description: 'Your id for this discount within the order (up to 60 characters), to name it in appliedDiscountUids.',
    }),
    name: t.string({ required: true, description: 'The name of the discount, e.g. "Loyalty 10%"; up to 255 characters.' }),
    type: t.field({
      type: DiscountType,
      required: true,
      description: 'FIXED_PERCENTAGE (give percentage) or FIXED_AMOUNT (give amountMoney); the variable kinds are for catalog discounts.',
    }),
    percentage: t.string({ required: false, description: 'For FIXED_PERCENTAGE: the percentage off as a decimal string, at most "100".' }),
    amountMoney: t.field({ type: MoneyInput, required: false, description: 'For FIXED_AMOUNT: the amount off.' }),
    scope: t.field({
      type: DiscountScope,
      required: false,
      description: 'ORDER (every line) or LINE_ITEM (only lines naming it); when absent, LINE_ITEM if a line names it, else ORDER.',
    }),
  }),
});

const OrderPricingOptionsInput = builder.inputType('OrderPricingOptionsInput', {
  description: 'What Square should apply to a new order by itself, from the seller’s catalog.',
  fields: (t) => ({
    autoApplyTaxes: t.boolean({
      required: false,
      description:
        'Applies the catalog taxes of the items sold (each item’s taxes in the catalog) and, on lines with a custom price and no catalogObjectId, the catalog taxes that apply to custom amounts; they show in taxes with autoApplied true. Taxes given in taxes apply as well, so a tax given there and applied from the catalog is charged twice.',
    }),
    autoApplyDiscounts: t.boolean({
      required: false,
      description: 'Applies the discounts of the seller’s pricing rules to the lines they cover.',
    }),
  }),
});

const CreateOrderInput = builder.inputType('CreateOrderInput', {
  description: 'A new order: what is sold, with its taxes and discounts, optionally linked to a customer.',
  fields: (t) => ({
    locationId: t.id({
      required: false,
      description: 'The location that sells (its id or squareId); the seller’s main location when absent.',
    }),
    customerId: t.id({
      required: false,
      description: 'The customer the order belongs to (id or squareId); links the order to their history under Customer.orders.',
    }),
    referenceId: t.string({ required: false, description: 'Your own reference for the order, up to 40 characters.' }),
    source: t.string({
      required: false,
      description: 'The name of the channel the order comes from, e.g. "Sunset service"; your application’s name when absent.',
    }),
    lineItems: t.field({ type: [OrderLineItemInput], required: true, description: 'What is sold; at least one line.' }),
    taxes: t.field({ type: [OrderTaxInput], required: false, description: 'Taxes on the order or on some of its lines.' }),
    discounts: t.field({ type: [OrderDiscountInput], required: false, description: 'Discounts on the order or on some of its lines.' }),
    pricingOptions: t.field({
      type: OrderPricingOptionsInput,
      required: false,
      description: 'Taxes and discounts for Square to apply from the catalog; none when absent, only those given in taxes and discounts.',
    }),
    idempotencyKey: t.string({
      required: true,
      description: 'Your unique key for this order, 1 to 192 characters: a retry with the same key returns the same order.',
    }),
  }),
});

const PayOrderInput = builder.inputType('PayOrderInput', {
  description: 'Payments that together pay an order in full.',
  fields: (t) => ({
    orderId: t.id({ required: true, description: 'The order to pay (id or squareId).' }),
    paymentIds: t.idList({
      required: true,
      description:
        'The payments to collect (ids or squareIds): taken against this order, APPROVED or COMPLETED, together matching its total; empty for an order of 0.',
    }),
    orderVersion: t.int({
      required: false,
      description: 'The order version you read; when given, payment is refused with ConflictError if the order changed since.',
    }),
    idempotencyKey: t.string({
      required: true,
      description: 'Your unique key for this request, 1 to 192 characters: a retry with the same key pays only once.',
    }),
  }),
});

// ---------------------------------------------------------------------------------------------
// Mutations

const ORDER_ERRORS = [ValidationError, NotFoundError, ConflictError];

builder.mutationFields((t) => ({
  createOrder: t.field({
    type: OrderRef,
    description:
      'Creates an OPEN order (Square CreateOrder), priced by Square; customerId links it to a customer. Pay it one of two ways. Charge with the order: createPayment or chargeCustomer with orderId and the order’s totalMoney (autocomplete true, the default) takes the money and completes the order, and nothing else is needed. Create, then pay: take payments with orderId and autocomplete false (they are only approved), then payOrder with their ids captures them together and completes the order.',
    authScopes: { ORDERS_WRITE: true },
    errors: mutationErrors('createOrder', ORDER_ERRORS, { name: 'order', description: 'The new order, with Square’s totals.' }),
    args: { input: t.arg({ type: CreateOrderInput, required: true, description: 'The new order.' }) },
    resolve: async (_root, { input }, ctx) => {
      const valid = validateInput(createSchema, input);
      const customerId = input.customerId != null ? idInput(input.customerId, 'Customer', 'input.customerId') : undefined;
      // Square would link the order to any id; an order under a customer who does not exist would be lost.
      if (customerId) await requireCustomer(ctx, customerId, 'input.customerId');
      const locationId = input.locationId != null ? idInput(input.locationId, 'Location', 'input.locationId') : await mainLocationId(ctx);
      const order: Square.Order = {
        locationId,
        customerId,
        referenceId: valid.referenceId,
        source: valid.source === undefined ? undefined : { name: valid.source },
        lineItems: valid.lineItems.map(({ appliedTaxUids, appliedDiscountUids, ...line }) => ({
          ...line,
          appliedTaxes: appliedTaxUids?.map((taxUid) => ({ taxUid })),
          appliedDiscounts: appliedDiscountUids?.map((discountUid) => ({ discountUid })),
        })),
        taxes: valid.taxes,
        discounts: valid.discounts,
        pricingOptions: valid.pricingOptions,
      };
      const created = await squareWrite(ctx, {
        send: () => ctx.square.orders.create({ order, idempotencyKey: valid.idempotencyKey }),
        settle: 'resend',
        stale: (r) => staleAfter.order(r?.order?.id),
      }).catch(
        (error: unknown) => {
          throw orderField(error);
        },
      );
      orderChanged(ctx, created.order!);
      return created.order!;
    },
  }),
  payOrder: t.field({
    type: OrderRef,
    description:
      'Pays an order with payments taken against it with autocomplete false (Square PayOrder): those APPROVED payments are captured together, and the order is COMPLETED. A payment with autocomplete true that covers the total has completed the order already, and payOrder then refuses it as no longer OPEN.',
    authScopes: { $all: { PAYMENTS_WRITE: true, ORDERS_WRITE: true } },
    errors: mutationErrors('payOrder', ORDER_ERRORS, { name: 'order', description: 'The paid order, with its tenders.' }),
    args: { input: t.arg({ type: PayOrderInput, required: true, description: 'The order and the payments.' }) },
    resolve: async (_root, { input }, ctx) => {
      const orderId = idInput(input.orderId, 'Order', 'input.orderId');
      const paymentIds = input.paymentIds.map((id, i) => idInput(id, 'Payment', `input.paymentIds.${i}`));
      const valid = validateInput(paySchema, { ...input, paymentIds });
      const { order } = await squareWrite(ctx, {
        send: () =>
          ctx.square.orders.pay({ orderId, paymentIds, orderVersion: valid.orderVersion, idempotencyKey: valid.idempotencyKey }),
        settle: 'resend',
        // A refusal naming no field is about the order (not OPEN, or not found).
        fields: { '': 'input.orderId' },
        stale: () => [...staleAfter.order(orderId), ...paymentIds.flatMap((id) => payments.payment(id))],
      });
      // Square captured the listed payments and canceled the order's other approved ones.
      ctx.loaders.payment.clearAll();
      orderChanged(ctx, order!);
      return order!;
    },
  }),
}));
