import type { DocumentNode } from 'graphql';
import type { SquareClient } from 'square';
import { graphql } from '../gql/index.js';
import { key } from './fixtures.js';

/*
 * The documents the payment-side mutation tests send, as a client would write them. Their
 * answers are read as raw JSON (every member of each union, and variables the schema refuses
 * on purpose), so they are exported as plain documents; codegen still checks them.
 */
graphql(`fragment PaymentWriteErrors on Error { message code ... on ValidationError { field } }`);
graphql(`fragment PaymentWritten on Payment { id squareId status sourceType note referenceId
  amountMoney { amount currency } tipMoney { amount } totalMoney { amount } refundedMoney { amount }
  cardDetails { status entryMethod card { last4 cardBrand } }
  customer { squareId } order { squareId state } }`);

export const SAVE_CARD: DocumentNode = graphql(`mutation PaymentsSaveCard($input: SaveCardInput!) { saveCard(input: $input) { __typename
  ... on SaveCardSuccess { card { id squareId last4 cardBrand enabled cardholderName referenceId billingAddress { postalCode } customer { squareId } } }
  ...PaymentWriteErrors ... on PaymentDeclinedError { paymentId } } }`);

export const DISABLE_CARD: DocumentNode = graphql(`mutation PaymentsDisableCard($input: DisableCardInput!) { disableCard(input: $input) { __typename
  ... on DisableCardSuccess { card { squareId enabled } } ...PaymentWriteErrors } }`);

export const CREATE_PAYMENT: DocumentNode = graphql(`mutation PaymentsCreatePayment($input: CreatePaymentInput!) { createPayment(input: $input) { __typename
  ... on CreatePaymentSuccess { payment { ...PaymentWritten } } ...PaymentWriteErrors ... on PaymentDeclinedError { paymentId } } }`);

export const CHARGE_CUSTOMER: DocumentNode = graphql(`mutation PaymentsChargeCustomer($input: ChargeCustomerInput!) { chargeCustomer(input: $input) { __typename
  ... on ChargeCustomerSuccess { payment { ...PaymentWritten } } ...PaymentWriteErrors ... on PaymentDeclinedError { paymentId } } }`);

export const COMPLETE_PAYMENT: DocumentNode = graphql(`mutation PaymentsCompletePayment($input: CompletePaymentInput!) { completePayment(input: $input) { __typename
  ... on CompletePaymentSuccess { payment { squareId status } } ...PaymentWriteErrors } }`);

export const CANCEL_PAYMENT: DocumentNode = graphql(`mutation PaymentsCancelPayment($input: CancelPaymentInput!) { cancelPayment(input: $input) { __typename
  ... on CancelPaymentSuccess { payment { squareId status } } ...PaymentWriteErrors } }`);

export const CANCEL_BY_KEY: DocumentNode = graphql(`mutation PaymentsCancelByKey($input: CancelPaymentByIdempotencyKeyInput!) {
  cancelPaymentByIdempotencyKey(input: $input) { __typename ... on CancelPaymentByIdempotencyKeySuccess { canceled } ...PaymentWriteErrors } }`);

export const REFUND_PAYMENT: DocumentNode = graphql(`mutation PaymentsRefundPayment($input: RefundPaymentInput!) { refundPayment(input: $input) { __typename
  ... on RefundPaymentSuccess { refund { id squareId status reason amountMoney { amount currency } payment { squareId refundedMoney { amount } } } }
  ...PaymentWriteErrors } }`);

/** US dollars as the gateway's MoneyInput takes them: the amount a BigInt string. */
export const usd = (amount: number | string) => ({ amount: String(amount), currency: 'USD' as const });

/** A new customer profile, made straight through Square. */
export async function newCustomer(square: SquareClient, givenName = 'Payer'): Promise<string> {
  const { customer } = await square.customers.create({ idempotencyKey: key(), givenName });
  return customer!.id!;
}

/** A card on file for the customer, saved straight through Square. */
export async function newCard(square: SquareClient, customerId: string): Promise<string> {
  const { card } = await square.cards.create({ idempotencyKey: key(), sourceId: 'cnon:card-nonce-ok', card: { customerId } });
  return card!.id!;
}

/** An active Square gift card with `cents` on it. */
export async function newGiftCard(square: SquareClient, cents: number): Promise<string> {
  const locationId = (await square.locations.list()).locations![0]!.id!;
  const { giftCard } = await square.giftCards.create({ idempotencyKey: key(), locationId, giftCard: { type: 'DIGITAL' } });
  await square.giftCards.activities.create({
    idempotencyKey: key(),
    giftCardActivity: {
      type: 'ACTIVATE',
      locationId,
      giftCardId: giftCard!.id!,
      activateActivityDetails: { amountMoney: { amount: BigInt(cents), currency: 'USD' }, buyerPaymentInstrumentIds: ['cash'] },
    },
  });
  return giftCard!.id!;
}

/** The Square writes among the calls the emulator saw: reads made to check input are allowed. */
export const writes = (calls: string[]) => calls.filter((c) => !/^GET |\/(search|batch-retrieve|bulk-retrieve)$/.test(c));
