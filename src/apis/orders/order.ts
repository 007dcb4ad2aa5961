import { GraphQLError, type GraphQLResolveInfo } from 'graphql';
import type { Square } from 'square';
import type { GatewayContext } from '../../context/gateway-context.js';
import { builder } from '../../schema/builder.js';
import { arrayConnection, squareConnection } from '../../schema/connections.js';
import { TimeRange, timeRange } from '../../schema/time-range.js';
import { idList, MAX_IDS, within } from '../../schema/filters.js';
import { CardBrand } from '../cards/enums.js';
import { DiscountScope, DiscountType, OrderState, TaxScope, TaxType, TenderCardStatus, TenderType, CardEntryMethod } from './enums.js';
import { squareIdFrom } from '../../schema/ids.js';
import { Money } from '../../schema/money.js';
import { paymentsOfOrders } from '../payments/payment.js';
import { CustomerRef } from '../customers/refs.js';
import { LocationRef } from '../locations/refs.js';
import { OrderConnection, OrderRef } from './refs.js';
import { PaymentRef } from '../payments/refs.js';
import { RefundRef } from '../refunds/refs.js';
import { orderPaymentsFromTenders, paymentFromTender, tenderHeldSelection } from './tender-payments.js';
import { writeFact, writtenType } from '../../schema/write-facts.js';
import { SQUARE_CALL_COST } from '../../schema/query-cost.js';

const optionalMoney = <T>(pick: (x: T) => Square.Money | undefined) => (x: T) => pick(x) ?? null;

const OrderSource = builder.objectRef<Square.OrderSource>('OrderSource').implement({
  description: 'Where an order came from, e.g. "Square Online" or an app’s name.',
  fields: (t) => ({
    name: t.exposeString('name', { nullable: true, description: 'The name of the channel or app that created the order.' }),
  }),
});

const OrderLineItemAppliedTax = builder.objectRef<Square.OrderLineItemAppliedTax>('OrderLineItemAppliedTax').implement({
  description: 'The part of one of the order’s taxes charged on a line.',
  fields: (t) => ({
    taxUid: t.exposeString('taxUid', { nullable: false, description: 'The uid of the tax in the order’s taxes.' }),
    appliedMoney: t.field({
      type: Money,
      nullable: true,
      description: 'How much of the tax this line pays.',
      resolve: optionalMoney((a) => a.appliedMoney),
    }),
  }),
});

export const OrderLineItem = builder.objectRef<Square.OrderLineItem>('OrderLineItem').implement({
  description: 'One line of an order: an item, its quantity and what it costs after discounts and taxes.',
  fields: (t) => ({
    uid: t.exposeString('uid', { nullable: true, description: 'Identifies this line within its order.' }),
    name: t.exposeString('name', { nullable: true, description: 'The name of the item sold.' }),
    quantity: t.exposeString('quantity', { nullable: false, description: 'A decimal number as a string, e.g. "2" or "1.5".' }),
    note: t.exposeString('note', { nullable: true, description: 'A note on this line, e.g. a special request.' }),
    variationName: t.exposeString('variationName', { nullable: true, description: 'The name of the item variation sold, e.g. “Large”.' }),
    catalogObjectId: t.exposeString('catalogObjectId', {
      nullable: true,
      description: 'The id of the catalog item variation sold; null for a custom amount.',
    }),
    basePriceMoney: t.field({
      type: Money,
      nullable: true,
      description: 'The price of one unit, before modifiers, discounts and taxes.',
      resolve: optionalMoney((l) => l.basePriceMoney),
    }),
    variationTotalPriceMoney: t.field({
      type: Money,
      nullable: true,
      description: 'The unit price of the variation times the quantity.',
      resolve: optionalMoney((l) => l.variationTotalPriceMoney),
    }),
    grossSalesMoney: t.field({
      type: Money,
      nullable: true,
      description: 'What the line sells for including modifiers, before discounts and taxes.',
      resolve: optionalMoney((l) => l.grossSalesMoney),
    }),
    totalDiscountMoney: t.field({
      type: Money,
      nullable: true,
      description: 'All discounts taken off this line.',
      resolve: optionalMoney((l) => l.totalDiscountMoney),
    }),
    totalTaxMoney: t.field({
      type: Money,
      nullable: true,
      description: 'All taxes charged on this line.',
      resolve: optionalMoney((l) => l.totalTaxMoney),
    }),
    appliedTaxes: t.field({
      type: [OrderLineItemAppliedTax],
      nullable: false,
      description: 'The order’s taxes that this line pays, each with its share: ORDER taxes on every line, LINE_ITEM taxes on the lines they name or were applied to.',
      resolve: (l) => l.appliedTaxes ?? [],
    }),
    totalMoney: t.field({
      type: Money,
      nullable: true,
      description: 'What the line comes to in the end: after discounts, with taxes.',
      resolve: optionalMoney((l) => l.totalMoney),
    }),
  }),
});

const OrderTax = builder.objectRef<Square.OrderLineItemTax>('OrderTax').implement({
  description: 'A tax on an order or on some of its line items.',
  fields: (t) => ({
    uid: t.exposeString('uid', { nullable: true, description: 'Identifies this tax within its order.' }),
    name: t.exposeString('name', { nullable: true, description: 'The name of the tax, e.g. “Sales tax”.' }),
    percentage: t.exposeString('percentage', { nullable: true, description: 'E.g. "8.625" for 8.625%.' }),
    catalogObjectId: t.exposeString('catalogObjectId', {
      nullable: true,
      description: 'The id of the catalog tax it comes from; null for an ad hoc tax.',
    }),
    autoApplied: t.boolean({
      nullable: false,
      description: 'Whether Square applied it from the catalog because the order asked for it (pricingOptions.autoApplyTaxes), rather than the order naming it.',
      resolve: (x) => x.autoApplied === true,
    }),
    type: t.field({
      type: TaxType,
      nullable: true,
      description: 'Added on top of prices, or already included in them.',
      resolve: (x) => x.type ?? null,
    }),
    scope: t.field({
      type: TaxScope,
      nullable: true,
      description: 'Whether the tax applies to the whole order or only to some line items.',
      resolve: (x) => x.scope ?? null,
    }),
    appliedMoney: t.field({
      type: Money,
      nullable: true,
      description: 'How much this tax came to across the order.',
      resolve: optionalMoney((x) => x.appliedMoney),
    }),
  }),
});

const OrderDiscount = builder.objectRef<Square.OrderLineItemDiscount>('OrderDiscount').implement({
  description: 'A discount on an order or on some of its line items.',
  fields: (t) => ({
    uid: t.exposeString('uid', { nullable: true, description: 'Identifies this discount within its order.' }),
    name: t.exposeString('name', { nullable: true, description: 'The name of the discount, e.g. “Loyalty 10%”.' }),
    type: t.field({
      type: DiscountType,
      nullable: true,
      description: 'A percentage or a fixed amount, set in the catalog or at sale.',
      resolve: (x) => x.type ?? null,
    }),
    scope: t.field({
      type: DiscountScope,
      nullable: true,
      description: 'Whether the discount applies to the whole order or only to some line items.',
      resolve: (x) => x.scope ?? null,
    }),
    percentage: t.exposeString('percentage', {
      nullable: true,
      description: 'The percentage as a decimal string, e.g. “10” for 10%; null for fixed-amount discounts.',
    }),
    amountMoney: t.field({
      type: Money,
      nullable: true,
      description: 'The amount off for fixed-amount discounts; null for percentage discounts.',
      resolve: optionalMoney((x) => x.amountMoney),
    }),
    appliedMoney: t.field({
      type: Money,
      nullable: true,
      description: 'How much this discount took off across the order.',
      resolve: optionalMoney((x) => x.appliedMoney),
    }),
  }),
});

const OrderPricingOptions = builder.objectRef<Square.OrderPricingOptions>('OrderPricingOptions').implement({
  description: 'What Square applies to the order by itself from the seller’s catalog.',
  fields: (t) => ({
    autoApplyTaxes: t.boolean({
      nullable: false,
      description: 'Whether the catalog taxes of the items sold (and, on custom amounts, those for custom amounts) are applied.',
      resolve: (x) => x.autoApplyTaxes === true,
    }),
    autoApplyDiscounts: t.boolean({
      nullable: false,
      description: 'Whether the discounts of the seller’s pricing rules are applied.',
      resolve: (x) => x.autoApplyDiscounts === true,
    }),
  }),
});

const OrderNetAmounts = builder.objectRef<Square.OrderMoneyAmounts>('OrderNetAmounts').implement({
  description: 'What the order comes to after returns and refunds.',
  fields: (t) => ({
    totalMoney: t.field({
      type: Money,
      nullable: true,
      description: 'The order total, less returns.',
      resolve: optionalMoney((x) => x.totalMoney),
    }),
    taxMoney: t.field({
      type: Money,
      nullable: true,
      description: 'Taxes, less those on returns.',
      resolve: optionalMoney((x) => x.taxMoney),
    }),
    discountMoney: t.field({
      type: Money,
      nullable: true,
      description: 'Discounts, less those on returns.',
      resolve: optionalMoney((x) => x.discountMoney),
    }),
    tipMoney: t.field({
      type: Money,
      nullable: true,
      description: 'Tips, less those returned.',
      resolve: optionalMoney((x) => x.tipMoney),
    }),
    serviceChargeMoney: t.field({
      type: Money,
      nullable: true,
      description: 'Service charges, less those on returns.',
      resolve: optionalMoney((x) => x.serviceChargeMoney),
    }),
  }),
});

const TenderCardDetails = builder.objectRef<Square.TenderCardDetails>('TenderCardDetails').implement({
  description: 'The card side of a tender.',
  fields: (t) => ({
    status: t.field({
      type: TenderCardStatus,
      nullable: true,
      description: 'Where the card charge is: authorized, captured, voided or failed.',
      resolve: (d) => d.status ?? null,
    }),
    cardBrand: t.field({
      type: CardBrand,
      nullable: true,
      description: 'The card network or issuer, e.g. VISA.',
      resolve: (d) => d.card?.cardBrand ?? null,
    }),
    last4: t.string({ nullable: true, description: 'The last four digits of the card number.', resolve: (d) => d.card?.last4 ?? null }),
    entryMethod: t.field({
      type: CardEntryMethod,
      nullable: true,
      description: 'How the card was presented: swiped, dipped, tapped, keyed or on file.',
      resolve: (d) => d.entryMethod ?? null,
    }),
  }),
});

const Tender = builder.objectRef<Square.Tender>('Tender').implement({
  description: 'One way an order was paid: each tender stands for one payment.',
  fields: (t) => ({
    squareId: t.string({ nullable: true, description: 'Square’s own id for this tender.', resolve: (x) => x.id ?? null }),
    type: t.field({
      type: TenderType,
      nullable: true,
      description: 'How the tender was paid, e.g. CARD or CASH.',
      resolve: (x) => x.type ?? null,
    }),
    amountMoney: t.field({
      type: Money,
      nullable: true,
      description: 'What this tender paid, tip included.',
      resolve: optionalMoney((x) => x.amountMoney),
    }),
    tipMoney: t.field({
      type: Money,
      nullable: true,
      description: 'The tip part of amountMoney.',
      resolve: optionalMoney((x) => x.tipMoney),
    }),
    cardDetails: t.field({
      type: TenderCardDetails,
      nullable: true,
      description: 'The card side of the tender; null unless paid by card.',
      resolve: (x) => x.cardDetails ?? null,
    }),
    createdAt: t.field({
      type: 'DateTime',
      nullable: true,
      description: 'When the tender was added to the order.',
      resolve: (x) => x.createdAt ?? null,
    }),
    customer: t.field({
      authScopes: { CUSTOMERS_READ: true },
      type: CustomerRef,
      nullable: true,
      description: 'The customer who paid this tender, when known.',
      resolve: (x, _args, ctx) => (x.customerId ? ctx.loaders.customerOrSurvivor.load(x.customerId) : null),
    }),
    payment: t.field({
      extensions: { squareCalls: 'once' },
      authScopes: { PAYMENTS_READ: true },
      type: PaymentRef,
      nullable: true,
      description: 'The payment this tender stands for; null when Square links none.',
      resolve: (x, _args, ctx, info) => {
        if (!x.paymentId) return null;
        const asked = tenderHeldSelection(info);
        return (asked && paymentFromTender(x, asked)) ?? ctx.loaders.payment.load(x.paymentId);
      },
    }),
  }),
});

/**
 * Who an order belongs to: its own customer_id, else a tender's, else a payment's.
 * Square Online orders carry no customer_id; their payments do.
 */
async function orderCustomerId(ctx: GatewayContext, order: Square.Order): Promise<string | null> {
  if (order.customerId) return order.customerId;
  const fromTender = order.tenders?.find((t) => t.customerId)?.customerId;
  if (fromTender) return fromTender;
  const payments = await paymentsOfOrders(ctx, [order]);
  return payments.find((p) => p.customerId)?.customerId ?? null;
}

const money = optionalMoney<Square.Order>;

/**
 * The payments the query limits count for each order's `payments`: one per tender, and an
 * order is almost always paid by one or two (10, as for other lists, would refuse 20
 * customers' 50 orders with their payments).
 */
const PAYMENTS_COUNTED_PER_ORDER = 2;

/**
 * An order's payments, from its tenders when they hold what is selected, else by GetPayment.
 * An order paid by more tenders than counted costs more GetPayments than the request was
 * measured at: they are added to its cost (and so charged to its API key) as they are made.
 */
async function orderPayments(order: Square.Order, ctx: GatewayContext, info: GraphQLResolveInfo): Promise<Square.Payment[]> {
  const fromTenders = orderPaymentsFromTenders(order, info);
  if (fromTenders) return fromTenders;
  const uncounted = new Set((order.tenders ?? []).map((t) => t.paymentId ?? t.id).filter(Boolean)).size - PAYMENTS_COUNTED_PER_ORDER;
  if (uncounted > 0) ctx.cost.requested += SQUARE_CALL_COST * uncounted;
  return paymentsOfOrders(ctx, [order]);
}

builder.node(OrderRef, {
  ...writtenType('ORDERS_READ'),
  description: 'An order: what was sold, for how much, and how it was paid.',
  id: { resolve: (o) => o.id!, ...writeFact('ORDERS_READ') },
  loadOne: (id, ctx) => ctx.loaders.order.load(id),
  fields: (t) => ({
    squareId: t.string({ ...writeFact('ORDERS_READ'), nullable: false, description: 'Square’s own id for this order.', resolve: (o) => o.id! }),
    state: t.field({
      ...writeFact('ORDERS_READ'),
      type: OrderState,
      nullable: true,
      description: 'Open, completed, canceled or draft.',
      resolve: (o) => o.state ?? null,
    }),
    location: t.field({
      authScopes: { MERCHANT_PROFILE_READ: true },
      type: LocationRef,
      nullable: true,
      description: 'The location the order belongs to.',
      resolve: (o, _args, ctx) => ctx.loaders.location.load(o.locationId),
    }),
    referenceId: t.exposeString('referenceId', { nullable: true, description: 'The seller’s own reference for this order, if any.' }),
    source: t.field({
      type: OrderSource,
      nullable: true,
      description: 'The channel or app the order came from.',
      resolve: (o) => o.source ?? null,
    }),
    lineItems: t.field({
      type: [OrderLineItem],
      nullable: false,
      description: 'What was sold, one entry per line.',
      resolve: (o) => o.lineItems ?? [],
    }),
    taxes: t.field({
      type: [OrderTax],
      nullable: false,
      description: 'Taxes on the order or on some of its lines.',
      resolve: (o) => o.taxes ?? [],
    }),
    discounts: t.field({
      type: [OrderDiscount],
      nullable: false,
      description: 'Discounts on the order or on some of its lines.',
      resolve: (o) => o.discounts ?? [],
    }),
    pricingOptions: t.field({
      type: OrderPricingOptions,
      nullable: false,
      description: 'What Square applies to the order by itself from the catalog; both off unless the order asked for them.',
      resolve: (o) => o.pricingOptions ?? {},
    }),
    totalMoney: t.field({
      type: Money,
      nullable: true,
      description: 'What the order comes to: lines, taxes, tips and service charges, less discounts.',
      resolve: money((o) => o.totalMoney),
    }),
    totalTaxMoney: t.field({ type: Money, nullable: true, description: 'All taxes on the order.', resolve: money((o) => o.totalTaxMoney) }),
    totalDiscountMoney: t.field({
      type: Money,
      nullable: true,
      description: 'All discounts on the order.',
      resolve: money((o) => o.totalDiscountMoney),
    }),
    totalTipMoney: t.field({ type: Money, nullable: true, description: 'All tips on the order.', resolve: money((o) => o.totalTipMoney) }),
    totalServiceChargeMoney: t.field({
      type: Money,
      nullable: true,
      description: 'All service charges on the order.',
      resolve: money((o) => o.totalServiceChargeMoney),
    }),
    netAmountDueMoney: t.field({ type: Money, nullable: true, description: 'What is still to be paid.', resolve: money((o) => o.netAmountDueMoney) }),
    netAmounts: t.field({
      type: OrderNetAmounts,
      nullable: true,
      description: 'The order’s amounts after returns.',
      resolve: (o) => o.netAmounts ?? null,
    }),
    tenders: t.field({
      type: [Tender],
      nullable: false,
      description: 'How the order was paid, one entry per tender.',
      resolve: (o) => o.tenders ?? [],
    }),
    payments: t.field({
      extensions: { squareCalls: 'perItem', countedItems: PAYMENTS_COUNTED_PER_ORDER },
      authScopes: { PAYMENTS_READ: true },
      type: [PaymentRef],
      nullable: true,
      description: 'The payments behind this order’s tenders, newest first.',
      resolve: (o, _args, ctx, info) => orderPayments(o, ctx, info),
    }),
    refunds: t.field({
      extensions: { squareCalls: 'perItem' },
      authScopes: { PAYMENTS_READ: true },
      type: [RefundRef],
      nullable: true,
      description: 'Refunds made against this order.',
      resolve: async (o, _args, ctx) =>
        (await Promise.all((o.refunds ?? []).map((r) => ctx.loaders.refund.load(r.id)))).filter((r) => r !== null),
    }),
    customer: t.field({
      authScopes: { CUSTOMERS_READ: true },
      type: CustomerRef,
      nullable: true,
      description: 'The order’s customer; for orders that name none (Square Online), the customer who paid.',
      resolve: async (o, _args, ctx) => {
        const id = await orderCustomerId(ctx, o);
        return id ? ctx.loaders.customerOrSurvivor.load(id) : null;
      },
    }),
    createdAt: t.field({
      type: 'DateTime',
      nullable: true,
      description: 'When the order was created.',
      resolve: (o) => o.createdAt ?? null,
    }),
    updatedAt: t.field({
      type: 'DateTime',
      nullable: true,
      description: 'When the order last changed.',
      resolve: (o) => o.updatedAt ?? null,
    }),
    closedAt: t.field({
      type: 'DateTime',
      nullable: true,
      description: 'When the order was completed or canceled; null while it is open.',
      resolve: (o) => o.closedAt ?? null,
    }),
    version: t.int({ nullable: true, description: 'Increases with every change to the order.', resolve: (o) => o.version ?? null }),
  }),
});

const OrderFilter = builder.inputType('OrderFilter', {
  description: 'Narrow the seller’s orders (Square’s SearchOrders).',
  fields: (t) => ({
    locationIds: t.idList({ required: false, description: 'At most 10; all the seller’s locations when absent.' }),
    states: t.field({ type: [OrderState], required: false, description: 'Only orders in one of these states.' }),
    customerIds: t.idList({
      required: false,
      description:
        'At most 10; matches the order’s customer and its tenders’ customers, and for a merged profile every id it has had: the surviving profile’s and those merged into it.',
    }),
    createdAt: t.field({ type: TimeRange, required: false, description: 'Only orders created within this range.' }),
  }),
});

builder.queryFields((t) => ({
  order: t.field({
    authScopes: { ORDERS_READ: true },
    type: OrderRef,
    nullable: true,
    description: 'One order by id or squareId.',
    args: { id: t.arg.id({ required: true, description: 'The order’s global id or its squareId.' }) },
    resolve: (_root, args, ctx) => ctx.loaders.order.load(squareIdFrom(String(args.id), 'Order')),
  }),
  orders: t.connection(
    {
      authScopes: { ORDERS_READ: true },
      type: OrderRef,
      nullable: true,
      description: 'The seller’s orders, newest first.',
      args: {
        filter: t.arg({
          type: OrderFilter,
          required: false,
          description: 'Only orders matching every condition given; every order at every location when absent.',
        }),
      },
      resolve: async (_root, args, ctx) => {
        const filter = args.filter;
        const customerIds = idList(filter?.customerIds, 'Customer', 'filter.customerIds');
        const chosenLocations = idList(filter?.locationIds, 'Location', 'filter.locationIds');
        const scope = ['orders', filter];
        if (customerIds) {
          const orders = await ctx.loaders.ordersOfCustomers(customerIds);
          const states = filter?.states?.length ? new Set<string>(filter.states) : undefined;
          const locations = chosenLocations && new Set(chosenLocations);
          const created = filter?.createdAt ? timeRange(filter.createdAt) : {};
          const matching = orders.filter(
            (o) =>
              (!states || states.has(o.state ?? '')) &&
              (!locations || locations.has(o.locationId)) &&
              within(o.createdAt, created),
          );
          return arrayConnection(args, matching, { scope, sortKey: (x) => x.createdAt, direction: 'DESC' });
        }
        const locationIds = chosenLocations ?? (await ctx.loaders.call(() => ctx.loaders.locations())).map((l) => l.id!);
        if (locationIds.length > MAX_IDS) {
          throw new GraphQLError(`The seller has more than ${MAX_IDS} locations: pass filter.locationIds.`, {
            extensions: { code: 'BAD_USER_INPUT', argument: 'filter.locationIds' },
          });
        }
        return squareConnection(
          args,
          async (cursor, limit) => {
            const page = await ctx.loaders.orderSearch({
              locationIds,
              cursor,
              limit,
              query: {
                filter: {
                  ...(filter?.states?.length ? { stateFilter: { states: filter.states } } : {}),
                  ...(filter?.createdAt ? { dateTimeFilter: { createdAt: timeRange(filter.createdAt) } } : {}),
                },
                sort: { sortField: 'CREATED_AT', sortOrder: 'DESC' },
              },
            });
            return { items: page.orders ?? [], cursor: page.cursor };
          },
          { scope, sortKey: (x) => x.createdAt, direction: 'DESC' },
        );
      },
    },
    OrderConnection,
  ),
}));

builder.objectFields(CustomerRef, (t) => ({
    orders: t.connection(
      {
        authScopes: { ORDERS_READ: true },
        extensions: { squareCalls: 'once' },
        type: OrderRef,
        nullable: true,
        description:
          'Orders of this customer, newest first: those that name the customer and those paid by the customer (Square Online orders name the customer only on the payment).',
        args: {
          states: t.arg({
            type: [OrderState],
            required: false,
            description: 'Only orders in one of these states; every state when absent or empty.',
          }),
        },
        resolve: async (c, args, ctx) => {
          const orders = await ctx.loaders.ordersByCustomer.load(c.id!);
          const states = args.states;
          return arrayConnection(args, states?.length ? orders.filter((o) => states.includes(o.state as never)) : orders, {
            scope: ['Customer.orders', c.id, states],
            sortKey: (x) => x.createdAt,
            direction: 'DESC',
          });
        },
      },
      OrderConnection,
    ),
}));
