import type { Plugin, YogaLogger } from 'graphql-yoga';
import type { EventEnvelope, EventStore } from '../store/index.js';
import { EventProcessor, type WebhookObserver } from './processor.js';
import { verifyWebhookSignature } from './signature.js';

/** Square's notifications are small; anything past this is not one. */
export const MAX_WEBHOOK_BODY_BYTES = 1024 * 1024;
/** Square waits 10 seconds for an answer; a body still arriving after that is not Square's. */
export const WEBHOOK_BODY_TIMEOUT_MS = 10_000;
/** Longest id or type accepted into the store. */
const MAX_FIELD_LENGTH = 255;

/** Where Square's notifications are received unless configured otherwise. */
export const DEFAULT_WEBHOOK_PATH = '/webhooks/square';

export interface WebhookReceiverOptions {
  store: EventStore;
  signatureKey: string;
  /** The notification URL Square signs with (the subscription's URL, exactly); read per request. */
  notificationUrl: () => string;
  path: string;
  maxBodyBytes?: number | undefined;
  bodyTimeoutMs?: number | undefined;
  observer?: WebhookObserver | undefined;
  /** Where a delivery's failure is logged, given yoga's server context (so that the line can carry its request's id); yoga's logger by default. */
  requestLogger?: ((serverContext: object) => Pick<YogaLogger, 'error'>) | undefined;
}

export interface WebhookReceiver {
  /** Mount into the yoga server: it answers `path` and passes every other request on. */
  plugin: Plugin;
  /** Applies what the plugin stored; listen to it with `onApplied`. */
  processor: EventProcessor;
}

function reply(status: number, body: object, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });
}

function refuse(status: number, code: string, message: string, headers?: Record<string, string>): Response {
  return reply(status, { error: { code, message } }, headers);
}

/** The raw body; `too-large` once it is longer than `max` bytes (declared or actual); `timeout` when not all of it came within `timeoutMs`. */
async function readBody(request: Request, max: number, timeoutMs: number): Promise<Uint8Array | 'too-large' | 'timeout'> {
  if (Number(request.headers.get('content-length') ?? 0) > max) return 'too-large';
  if (!request.body) return new Uint8Array();
  const reader = request.body.getReader();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs);
  });
  try {
    const body = await Promise.race([readAtMost(reader, max), deadline]);
    if (typeof body === 'string') void reader.cancel().catch(() => undefined);
    return body;
  } finally {
    clearTimeout(timer);
  }
}

/** A body read to its end, or `too-large` as soon as it passes `max` bytes (the rest left unread). */
export async function readAtMost(reader: ReadableStreamDefaultReader<Uint8Array>, max: number): Promise<Uint8Array | 'too-large'> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (let next = await reader.read(); !next.done; next = await reader.read()) {
    size += next.value.byteLength;
    if (size > max) return 'too-large';
    chunks.push(next.value);
  }
  return Buffer.concat(chunks);
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** The envelope fields the store needs, or what is wrong with the body. */
function envelopeOf(raw: Uint8Array): { event: EventEnvelope; text: string } | { problem: string; code: string } {
  let text: string;
  let parsed: unknown;
  try {
    text = utf8.decode(raw);
    parsed = JSON.parse(text);
  } catch {
    return { code: 'MALFORMED_JSON', problem: 'The body is not valid UTF-8 JSON.' };
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return { code: 'INVALID_EVENT', problem: 'The body must be a JSON object (a Square event notification).' };
  }
  const fields = parsed as Record<string, unknown>;
  for (const name of ['event_id', 'type', 'merchant_id'] as const) {
    const value = fields[name];
    if (typeof value !== 'string' || value === '' || value.length > MAX_FIELD_LENGTH) {
      return { code: 'INVALID_EVENT', problem: `The event needs "${name}" as a non-empty string of at most ${MAX_FIELD_LENGTH} characters.` };
    }
  }
  return { event: { event_id: fields.event_id, type: fields.type, merchant_id: fields.merchant_id } as EventEnvelope, text };
}

/**
 * Square's webhook notifications, received inside the gateway's yoga server: verified,
 * stored by event id, and only then acknowledged; the processor applies them afterwards.
 * Unknown event types are stored and acknowledged like any other, and change nothing.
 */
export function webhookReceiver(options: WebhookReceiverOptions): WebhookReceiver {
  const max = options.maxBodyBytes ?? MAX_WEBHOOK_BODY_BYTES;
  const timeoutMs = options.bodyTimeoutMs ?? WEBHOOK_BODY_TIMEOUT_MS;
  let logger: Pick<YogaLogger, 'warn' | 'error'> = console;
  const processor = new EventProcessor(options.store, {
    observer: options.observer,
    logger: { warn: (...args) => logger.warn(...args), error: (...args) => logger.error(...args) },
  });
  const plugin: Plugin = {
    onYogaInit({ yoga }) {
      logger = yoga.logger;
    },
    async onRequest({ request, url, endResponse, serverContext }) {
      if (url.pathname !== options.path) return;
      if (request.method !== 'POST') {
        endResponse(refuse(405, 'METHOD_NOT_ALLOWED', 'Webhook notifications are POSTed.', { allow: 'POST' }));
        return;
      }
      let raw: Awaited<ReturnType<typeof readBody>>;
      try {
        raw = await readBody(request, max, timeoutMs);
      } catch {
        endResponse(refuse(400, 'BODY_UNREADABLE', 'The body could not be read to its end.'));
        return;
      }
      // The rest of the body is not read: the connection closes rather than carry it.
      if (raw === 'too-large') {
        endResponse(refuse(413, 'PAYLOAD_TOO_LARGE', `The body exceeds ${max} bytes.`, { connection: 'close' }));
        return;
      }
      if (raw === 'timeout') {
        endResponse(refuse(408, 'BODY_TIMEOUT', `The body did not arrive within ${timeoutMs / 1000} seconds.`, { connection: 'close' }));
        return;
      }
      const signature = request.headers.get('x-square-hmacsha256-signature');
      if (!verifyWebhookSignature(options.signatureKey, options.notificationUrl(), raw, signature)) {
        endResponse(refuse(401, 'INVALID_SIGNATURE', 'Missing or wrong x-square-hmacsha256-signature.'));
        return;
      }
      const envelope = envelopeOf(raw);
      if ('problem' in envelope) {
        endResponse(refuse(400, envelope.code, envelope.problem));
        return;
      }
      let outcome: 'new' | 'duplicate';
      try {
        outcome = await options.store.recordEvent(envelope.event, envelope.text);
      } catch (error) {
        // Not acknowledged, so Square delivers it again later.
        (options.requestLogger?.(serverContext) ?? logger).error('webhook event could not be stored:', error);
        endResponse(refuse(503, 'STORE_UNAVAILABLE', 'The event could not be stored; deliver it again later.'));
        return;
      }
      endResponse(reply(200, outcome === 'new' ? { received: true } : { received: true, duplicate: true }));
      options.observer?.received(envelope.event.type, outcome);
      // After the acknowledgement has gone out. A duplicate too: the first delivery may have been stored with
      // its answer lost (a 503 then), and nothing else would wake the processor for it.
      setImmediate(() => void processor.wake());
    },
  };
  return { plugin, processor };
}
