import { Agent, fetch } from 'undici';
import { guardedLookup, type CallbackPolicy } from './url-guard.js';

/** What of a receiver's answer is kept: enough to tell an error page, never the whole of it. */
export const RESPONSE_PREFIX_BYTES = 256;

export interface PostResult {
  ok: boolean;
  statusCode: number | null;
  durationMs: number;
  error: string | null;
  responseBody: string | null;
}

export type Post = (url: string, headers: Record<string, string>, body: string) => Promise<PostResult>;

/**
 * POSTs deliveries: every connection to an address the policy allows (checked as the name is
 * resolved for it, see guardedLookup), within `timeoutMs` from the request to the answer's
 * first bytes, redirects not followed (a 3xx is a failed attempt: it could point anywhere), and
 * only the first bytes of the answer read.
 */
export function poster({ policy, timeoutMs }: { policy: CallbackPolicy; timeoutMs: number }): { post: Post; close(): Promise<void> } {
  const agent = new Agent({ connect: { lookup: guardedLookup(policy), timeout: timeoutMs }, headersTimeout: timeoutMs, bodyTimeout: timeoutMs });
  const post: Post = async (url, headers, body) => {
    const started = performance.now();
    const took = () => Math.round(performance.now() - started);
    try {
      const response = await fetch(url, { method: 'POST', headers, body, redirect: 'manual', dispatcher: agent, signal: AbortSignal.timeout(timeoutMs) });
      const responseBody = await prefixOf(response.body);
      const ok = response.status >= 200 && response.status < 300;
      return { ok, statusCode: response.status, durationMs: took(), error: ok ? null : `The receiver answered ${response.status}.`, responseBody };
    } catch (error) {
      return { ok: false, statusCode: null, durationMs: took(), error: failureOf(error, timeoutMs), responseBody: null };
    }
  };
  return { post, close: () => agent.close() };
}

/** The answer's first bytes as text; the rest is not read, and the connection is let go. */
async function prefixOf(body: { getReader(): ReadableStreamDefaultReader<Uint8Array> } | null): Promise<string | null> {
  if (!body) return null;
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < RESPONSE_PREFIX_BYTES) {
      const next = await reader.read();
      if (next.done) break;
      chunks.push(next.value);
      size += next.value.byteLength;
    }
  } catch {
    // What came before the failure is all there is.
  } finally {
    void reader.cancel().catch(() => undefined);
  }
  const text = Buffer.concat(chunks).subarray(0, RESPONSE_PREFIX_BYTES).toString('utf8');
  return text === '' ? null : text;
}

/** Why no answer came, in words that name no address the receiver's name resolved to beyond what the policy says. */
function failureOf(error: unknown, timeoutMs: number): string {
  const causes: unknown[] = [];
  for (let cause: unknown = error; cause instanceof Error && causes.length < 5; cause = cause.cause) causes.push(cause);
  const refused = causes.find((cause) => (cause as { code?: unknown }).code === 'OUTBOUND_ADDRESS_REFUSED');
  if (refused) return `Refused: ${(refused as Error).message}.`;
  if (causes.some((cause) => (cause as Error).name === 'TimeoutError' || /timeout/i.test((cause as { code?: string }).code ?? ''))) {
    return `The receiver did not answer within ${timeoutMs} ms.`;
  }
  const code = causes.map((cause) => (cause as { code?: unknown }).code).find((c): c is string => typeof c === 'string');
  return `The receiver could not be reached${code ? ` (${code})` : ''}.`;
}
