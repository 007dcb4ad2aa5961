import { EXAMPLE_QUERY } from './example-query.js';
import type { GraphiQLExample } from './graphiql.js';

/**
 * The README's ten-minute tour, which GraphiQL also opens as tabs on the demo merchant: the example,
 * an order from the café's catalog, a charge of it to the customer's card on file, and its live update.
 * One copy of each document: test/schema/readme-tour.test.ts checks the README shows these.
 */
export const TOUR_DOCUMENTS = [
  EXAMPLE_QUERY,
  /* GraphQL */ `# An OPEN order for the customer from the café's catalog, priced by Square: each line's price comes
# from its catalog variation, and autoApplyTaxes adds the SF Sales Tax the items carry in the catalog.
# Running it again with the same idempotencyKey returns the same order. Copy its squareId for ChargeCustomer.
mutation CreateOrder($customerId: ID!, $lineItems: [OrderLineItemInput!]!, $idempotencyKey: String!) {
  createOrder(
    input: { customerId: $customerId, lineItems: $lineItems, pricingOptions: { autoApplyTaxes: true }, idempotencyKey: $idempotencyKey }
  ) {
    __typename
    ... on CreateOrderSuccess {
      order {
        squareId
        state
        lineItems { name variationName quantity totalTaxMoney { formatted } totalMoney { formatted } }
        totalTaxMoney { formatted }
        totalMoney { amount currency formatted }
      }
    }
    ... on ValidationError { message }
  }
}
`,
  /* GraphQL */ `# Pays the order with the customer's card on file: orderId is CreateOrder's squareId, amountMoney its totalMoney.
# A payment of the whole total completes the order. Declines and unknown ids answer as data, not as errors.
mutation ChargeCustomer($customerId: ID!, $orderId: ID!, $amountMoney: MoneyInput!, $idempotencyKey: String!) {
  chargeCustomer(input: { customerId: $customerId, orderId: $orderId, amountMoney: $amountMoney, idempotencyKey: $idempotencyKey }) {
    __typename
    ... on ChargeCustomerSuccess {
      payment {
        squareId
        status
        totalMoney { formatted }
        cardDetails { card { cardBrand last4 } }
        order { squareId state }
      }
    }
    ... on PaymentDeclinedError { message }
    ... on NotFoundError { message }
    ... on ValidationError { message }
  }
}
`,
  /* GraphQL */ `# Each of the customer's payments as Square reports it (its payment.created and payment.updated webhooks),
# over server-sent events. It keeps running: charge another order from a second window and watch it arrive.
subscription PaymentUpdates($customerId: ID) {
  paymentUpdated(customerId: $customerId) {
    squareId
    status
    totalMoney { formatted }
    order { squareId state }
    updatedAt
  }
}
`,
] as const;

/** What the tour's variables name: demo data that every seed makes the same. */
export interface TourData {
  customerId: string;
  /** The catalog variations the order sells, one of each. */
  catalogObjectIds: readonly string[];
  /** Their total with the catalog's taxes, in cents: what ChargeCustomer charges. */
  orderTotalCents: number;
}

/** The tour's documents as GraphiQL tabs, with their variables; `TOUR_DOCUMENTS[i]` is tab i. */
export function tourTabs(data: TourData): GraphiQLExample[] {
  const [example, createOrder, chargeCustomer, paymentUpdates] = TOUR_DOCUMENTS;
  const { customerId } = data;
  return [
    { query: example, variables: { customerId } },
    {
      query: createOrder,
      variables: {
        customerId,
        lineItems: data.catalogObjectIds.map((catalogObjectId) => ({ catalogObjectId, quantity: '1' })),
        idempotencyKey: 'tour-order-1',
      },
    },
    {
      query: chargeCustomer,
      variables: {
        customerId,
        orderId: "CreateOrder's squareId",
        amountMoney: { amount: data.orderTotalCents, currency: 'USD' },
        idempotencyKey: 'tour-payment-1',
      },
    },
    { query: paymentUpdates, variables: { customerId } },
  ];
}
