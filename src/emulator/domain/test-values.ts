import type { serialization } from 'square';

/** The card behind a sandbox card token, as Square describes it in `card_details.card`. */
export interface TestCard {
  brand: serialization.CardBrand.Raw;
  last4: string;
  bin: string;
  expMonth: number;
  expYear: number;
  cardType: serialization.CardType.Raw;
  prepaidType: serialization.CardPrepaidType.Raw;
  /** Sandbox tokens carry this billing postal code; a different one given with the token fails. */
  postalCode: string;
}

export type Decline = { code: serialization.ErrorCode.Raw; detail: string };

/** What a payment or card `source_id` stands for in Square's sandbox. */
export type TestSource =
  | { kind: 'card_nonce'; card: TestCard; decline?: Decline }
  | { kind: 'card_on_file_test'; card: TestCard; decline?: Decline; requiresVerification?: boolean }
  | { kind: 'gift_card_nonce'; decline?: Decline }
  | { kind: 'bank_nonce'; decline?: Decline }
  | { kind: 'cash' }
  | { kind: 'external' };

const VISA: TestCard = {
  brand: 'VISA',
  last4: '1111',
  bin: '411111',
  expMonth: 12,
  // Sandbox test cards never expire: three years past the real year the process started, whatever the emulator's clock says.
  expYear: new Date().getUTCFullYear() + 3,
  cardType: 'CREDIT',
  prepaidType: 'NOT_PREPAID',
  postalCode: '94103',
};

/** Other cards the demo data uses, so that it shows several brands. */
export const DEMO_CARDS: TestCard[] = [
  VISA,
  { ...VISA, brand: 'MASTERCARD', last4: '5100', bin: '510510' },
  { ...VISA, brand: 'AMERICAN_EXPRESS', last4: '0009', bin: '340000' },
  { ...VISA, brand: 'DISCOVER', last4: '0004', bin: '601100', cardType: 'DEBIT' },
  { ...VISA, brand: 'JCB', last4: '5841', bin: '356999' },
];

const declines = {
  generic: { code: 'GENERIC_DECLINE', detail: 'Authorization error: GENERIC_DECLINE' },
  cvv: { code: 'CVV_FAILURE', detail: 'Authorization error: CVV_FAILURE' },
  postal: { code: 'ADDRESS_VERIFICATION_FAILURE', detail: 'Authorization error: ADDRESS_VERIFICATION_FAILURE' },
  expiration: { code: 'INVALID_EXPIRATION', detail: 'Authorization error: INVALID_EXPIRATION' },
  used: { code: 'CARD_TOKEN_USED', detail: 'Card token already used.' },
  insufficientFunds: { code: 'INSUFFICIENT_FUNDS', detail: 'Authorization error: INSUFFICIENT_FUNDS' },
  insufficientPermission: { code: 'INSUFFICIENT_PERMISSIONS', detail: 'Authorization error: INSUFFICIENT_PERMISSIONS' },
  bankFailure: { code: 'GENERIC_DECLINE', detail: 'The bank declined the transfer.' },
  bankAccountInvalid: { code: 'INVALID_ACCOUNT', detail: 'The bank account is invalid.' },
} satisfies Record<string, Decline>;

const TEST_SOURCES: Record<string, TestSource> = {
  'cnon:card-nonce-ok': { kind: 'card_nonce', card: VISA },
  'cnon:card-nonce-declined': { kind: 'card_nonce', card: VISA, decline: declines.generic },
  'cnon:card-nonce-rejected-cvv': { kind: 'card_nonce', card: VISA, decline: declines.cvv },
  'cnon:card-nonce-rejected-postalcode': { kind: 'card_nonce', card: VISA, decline: declines.postal },
  'cnon:card-nonce-rejected-expiration': { kind: 'card_nonce', card: VISA, decline: declines.expiration },
  'cnon:card-nonce-already-used': { kind: 'card_nonce', card: VISA, decline: declines.used },
  'ccof:customer-card-id-ok': { kind: 'card_on_file_test', card: VISA },
  'ccof:customer-card-id-requires-verification': { kind: 'card_on_file_test', card: VISA, requiresVerification: true },
  'ccof:customer-card-id-declined': { kind: 'card_on_file_test', card: VISA, decline: declines.generic },
  'ccof:customer-card-id-rejected-postalcode': { kind: 'card_on_file_test', card: VISA, decline: declines.postal },
  'ccof:customer-card-id-rejected-expiration': { kind: 'card_on_file_test', card: VISA, decline: declines.expiration },
  'cnon:gift-card-nonce-ok': { kind: 'gift_card_nonce' },
  'cnon:gift-card-nonce-insufficient-funds': { kind: 'gift_card_nonce', decline: declines.insufficientFunds },
  'cnon:gift-card-nonce-insufficient-permission': { kind: 'gift_card_nonce', decline: declines.insufficientPermission },
  'bnon:bank-nonce-ok': { kind: 'bank_nonce' },
  'bnon:bank-nonce-failure': { kind: 'bank_nonce', decline: declines.bankFailure },
  'bnon:bank-nonce-insufficient-funds': { kind: 'bank_nonce', decline: declines.insufficientFunds },
  'bnon:bank-nonce-invalid-account': { kind: 'bank_nonce', decline: declines.bankAccountInvalid },
  CASH: { kind: 'cash' },
  EXTERNAL: { kind: 'external' },
};

/** The sandbox test value `sourceId` names, if it is one. */
export function testSource(sourceId: string): TestSource | undefined {
  return TEST_SOURCES[sourceId];
}

/** The sandbox gift card behind `cnon:gift-card-nonce-*`: Square's documented test GAN. */
export const TEST_GIFT_CARD_GAN = '7783320000000000';

export { declines };
