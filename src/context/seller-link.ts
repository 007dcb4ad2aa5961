import { GraphQLError } from 'graphql';
import { tokenKey } from '../square/budget.js';
import type { Acting } from './authentication.js';

/**
 * What a request's Square calls go out with, for the seller it acts for: the token, the keys
 * of the seller's budget and cached reads, and a gate in front of the transport that answers
 * for Square where no call may be made.
 */
export interface SellerLink {
  /** The SDK client's token; a placeholder, never sent, when the request has none. */
  token: string;
  /** Names the seller's budget, its logs and spans: a hash, never a token or an id. */
  seller: string;
  /** Names the seller's cached reads and location list. */
  partition: string;
  /** Known without asking Square: a connected seller's. */
  merchantId: string | undefined;
  /** Whether the request names a seller at all (a partner's request may name none). */
  named: boolean;
  /** What every call answers instead of Square, while it must not be made. */
  refusal(): GraphQLError | undefined;
  /**
   * Told that the seller's authorization of the application ended: a connected seller's calls
   * are refused from now on (its refusal is returned); a token's link is untouched (undefined).
   */
  revoked(): GraphQLError | undefined;
  /** The transport behind the gate: refusals answer at once, in Square's shape, and a connected seller's rejected token disconnects it. */
  gate(transport: typeof fetch): typeof fetch;
}

/** Square's answers (401) to an access token that no longer works: it was revoked, it expired, or it is unknown. */
const REJECTED_TOKEN_CODES = new Set(['ACCESS_TOKEN_REVOKED', 'ACCESS_TOKEN_EXPIRED', 'UNAUTHORIZED']);

async function rejectsToken(response: Response): Promise<boolean> {
  if (response.status !== 401) return false;
  const body = (await response
    .clone()
    .json()
    .catch(() => undefined)) as { errors?: Array<{ code?: unknown }> } | undefined;
  return body?.errors?.some((error) => REJECTED_TOKEN_CODES.has(String(error.code))) ?? false;
}

/**
 * A refusal as Square would answer it, so that every caller of the SDK (loaders, writes)
 * treats it as a refused call: a 4xx, never retried, never taken for a write that may have happened.
 * Its code reaches the field's error through src/square/errors.ts.
 */
function answered(refusal: GraphQLError): Response {
  const error = { category: 'AUTHENTICATION_ERROR', code: refusal.extensions.code, detail: refusal.message };
  return new Response(JSON.stringify({ errors: [error] }), { status: 401, headers: { 'content-type': 'application/json' } });
}

const sellerDisconnected = () =>
  new GraphQLError('This seller is disconnected from the gateway (its authorization was revoked or Square refused its token): it must connect again.', {
    extensions: { code: 'SELLER_DISCONNECTED' },
  });

/** Names a connected seller's budget, whichever of its tokens it acts with: what a bulk operation started for it records as its seller. */
export const connectedSellerKey = (merchantId: string): string => tokenKey(`connected-seller:${merchantId}`);

/** The link for what a request acts as; `onTokenRejected` disconnects a connected seller whose token Square refused. */
export function sellerLink(acting: Acting, onTokenRejected?: (merchantId: string) => Promise<void>): SellerLink {
  if (acting.kind === 'token') {
    const key = tokenKey(acting.token);
    const untouched = () => undefined;
    return { token: acting.token, seller: key, partition: key, merchantId: undefined, named: true, refusal: untouched, revoked: untouched, gate: (transport) => transport };
  }
  if (acting.kind === 'none') {
    const refusal = () => acting.refusal;
    return { token: 'none', seller: 'none', partition: 'none', merchantId: undefined, named: false, refusal, revoked: () => undefined, gate: () => async () => answered(acting.refusal) };
  }
  const { merchantId, connectedAt } = acting;
  // The seller's budget outlives its tokens' renewals; its cached reads are its connection's, so a seller who connects again reads afresh.
  const seller = connectedSellerKey(merchantId);
  let rejected: Promise<void> | undefined;
  const refusal = () => (acting.token === undefined || rejected ? sellerDisconnected() : undefined);
  return {
    token: acting.token ?? 'none',
    seller,
    partition: tokenKey(`connected-seller:${merchantId}:${connectedAt}`),
    merchantId,
    named: true,
    refusal,
    revoked: () => {
      rejected ??= Promise.resolve();
      return sellerDisconnected();
    },
    gate: (transport) => async (input, init) => {
      const refused = refusal();
      if (refused) return answered(refused);
      const response = await transport(input, init);
      if (!(await rejectsToken(response))) return response;
      // The request's other calls already on their way may be refused too; the seller is disconnected once.
      rejected ??= onTokenRejected?.(merchantId) ?? Promise.resolve();
      await rejected;
      await response.body?.cancel();
      return answered(sellerDisconnected());
    },
  };
}
