import { createHmac, timingSafeEqual } from 'node:crypto';

/** Square's notification signature: base64(HMAC-SHA256(key, notification URL + raw body bytes)). */
export function webhookSignature(signatureKey: string, notificationUrl: string, rawBody: Uint8Array): string {
  return createHmac('sha256', signatureKey).update(notificationUrl, 'utf8').update(rawBody).digest('base64');
}

/** Whether `header` is the signature of exactly these bytes, compared in constant time. */
export function verifyWebhookSignature(
  signatureKey: string,
  notificationUrl: string,
  rawBody: Uint8Array,
  header: string | null,
): boolean {
  if (!header) return false;
  const expected = Buffer.from(webhookSignature(signatureKey, notificationUrl, rawBody), 'utf8');
  const given = Buffer.from(header, 'utf8');
  // Only the length (fixed for SHA-256 in base64) can leak here; timingSafeEqual needs equal lengths.
  return given.length === expected.length && timingSafeEqual(given, expected);
}
