import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** The header every outbound delivery is signed in: `t=<unix seconds>,v1=<hex>[,v1=<hex>]` (Stripe's scheme). */
export const SIGNATURE_HEADER = 'x-gateway-signature';

/** How far a signature's timestamp may be from the receiver's clock before it is refused as a replay: Stripe's default. */
export const DEFAULT_TOLERANCE_SECONDS = 300;

/** A new subscription secret: shown once, then kept sealed. */
export const newSecret = (): string => `whsec_${randomBytes(32).toString('base64url')}`;

/** HMAC-SHA256 in hex over `<timestamp>.<body>`: the timestamp is signed, so an old delivery replayed later fails the tolerance. */
export function signatureOf(secret: string, timestamp: number, body: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.`, 'utf8').update(body, 'utf8').digest('hex');
}

/**
 * The header for a delivery made now: one `v1` per secret in force. While a rotated secret's
 * grace period runs both sign, so that a receiver holding either verifies.
 */
export function signatureHeader(secrets: readonly string[], timestamp: number, body: string): string {
  return [`t=${timestamp}`, ...secrets.map((secret) => `v1=${signatureOf(secret, timestamp, body)}`)].join(',');
}

/**
 * What a receiver checks: the header's timestamp within `toleranceSeconds` of `nowSeconds`, and
 * one of its `v1` signatures that of this body under `secret`, compared in constant time.
 */
export function verifySignature(
  secret: string,
  header: string | null | undefined,
  body: string,
  { nowSeconds = Math.floor(Date.now() / 1000), toleranceSeconds = DEFAULT_TOLERANCE_SECONDS } = {},
): boolean {
  if (!header) return false;
  const parts = header.split(',').map((part) => part.trim().split('='));
  const timestamp = Number(parts.find(([name]) => name === 't')?.[1]);
  if (!Number.isSafeInteger(timestamp) || Math.abs(nowSeconds - timestamp) > toleranceSeconds) return false;
  const expected = Buffer.from(signatureOf(secret, timestamp, body), 'hex');
  return parts.some(([name, value]) => name === 'v1' && /^[0-9a-f]{64}$/.test(value ?? '') && timingSafeEqual(Buffer.from(value!, 'hex'), expected));
}
