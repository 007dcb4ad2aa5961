import { isInteger, parse } from 'lossless-json';
import type { BaseClientOptions } from 'square';

type FetchFunction = NonNullable<BaseClientOptions['fetcher']>;
type FetcherArgs = Parameters<FetchFunction>[0];
type FetcherResult = Awaited<ReturnType<FetchFunction>>;
type RawResponse = NonNullable<FetcherResult['rawResponse']>;

/**
 * An integer in Square's JSON that a number cannot hold exactly (16 digits or more, as a
 * value: after `:`, `[` or `,`). Only a text holding one is parsed losslessly; the same
 * digits inside a string (a gift card's GAN) only cost that text the slower parse.
 */
const LONG_INTEGER = /[[:,]\s*-?\d{16}/;

/** An integer too large for a number, as the SDK parses it: a bigint; any other number a number. */
function squareNumber(text: string): number | bigint {
  if (!isInteger(text)) return Number(text);
  const value = Number(text);
  return Number.isSafeInteger(value) ? value : BigInt(text);
}

/**
 * Square's JSON as the SDK's own parser reads it (a bigint only where a number would lose
 * digits), with the engine's JSON.parse whenever no integer needs one: the SDK's parser
 * is written in JavaScript, and was the largest cost of a cold page after its transform.
 */
export function parseSquareJson(text: string): unknown {
  return LONG_INTEGER.test(text) ? parse(text, null, squareNumber) : JSON.parse(text);
}

const BIGINT_MARKER = '#bigint#';
const MARKED_BIGINT = /"(-?\d+)#bigint#"/g;

/** A request body as the SDK writes it: bigints (money amounts) as JSON numbers. */
function squareJsonBody(body: unknown): string {
  const text = JSON.stringify(body, (_key, value: unknown) => (typeof value === 'bigint' ? `${value}${BIGINT_MARKER}` : value));
  return text.includes(BIGINT_MARKER) ? text.replace(MARKED_BIGINT, '$1') : text;
}

const JSON_TYPES = new Set(['application/json', 'application/hal+json', 'application/ld+json', 'application/problem+json', 'application/vnd.api+json', 'text/json']);

function rawResponse(response: Response): RawResponse {
  const { headers, redirected, status, statusText, type, url } = response;
  return { headers, redirected, status, statusText, type, url };
}

const failedRawResponse = (status: number, statusText: string): RawResponse => ({
  headers: new Headers(),
  redirected: false,
  status,
  statusText,
  type: 'error',
  url: '',
});

/** A success's body, as the SDK reads it: a body that is not JSON is the SDK's own error object, for its schema to refuse. */
function successBody(text: string, status: number): unknown {
  if (text.length === 0) return undefined;
  try {
    return parseSquareJson(text);
  } catch {
    return { ok: false, error: { reason: 'non-json', statusCode: status, rawBody: text } };
  }
}

/** An error's body, as the SDK reads it: JSON by its content type, else text. */
function errorBody(response: Response, text: string): unknown {
  const type = response.headers.get('content-type')?.toLowerCase().split(';')[0]?.trim();
  if (!type) return successBody(text, response.status);
  if (JSON_TYPES.has(type) || (type.startsWith('application/vnd.') && type.endsWith('+json'))) return text.length > 0 ? parseSquareJson(text) : undefined;
  return text;
}

/**
 * The SDK's fetcher (its `fetcher` option, squareFetcher below) for JSON calls, as the SDK's own makes them
 * (the same headers, bodies, answers and failures) over the client's `fetch`, less what a
 * Square call costs the gateway's CPU there: JSON parsed by the engine (parseSquareJson),
 * headers kept as a plain object rather than rebuilt through async suppliers, and no
 * abort signal of its own for the SDK's client-wide timeout (`timeoutMs`): the client's
 * fetch is the gateway's transport (budgetedFetch), which times every attempt and ends
 * every call at the request's deadline, before that timeout could. The SDK calls the
 * gateway never makes (file uploads, binary answers) are refused.
 */
async function fetchJson(args: FetcherArgs): Promise<FetcherResult> {
  if ((args.requestType && args.requestType !== 'json') || (args.responseType && args.responseType !== 'json')) {
    const errorMessage = `The gateway makes JSON calls to Square only; ${args.method} ${args.url} is not one.`;
    return { ok: false, error: { reason: 'unknown', errorMessage }, rawResponse: failedRawResponse(0, 'Unknown Error') };
  }
  const url = args.queryString ? `${args.url}?${args.queryString}` : args.url;
  const headers: Record<string, string> = { accept: 'application/json' };
  if (args.body !== undefined && args.contentType != null) headers['content-type'] = args.contentType;
  for (const [name, value] of Object.entries(args.headers ?? {})) {
    const resolved: unknown = typeof value === 'function' ? await (value as () => unknown)() : value;
    if (resolved != null) headers[name.toLowerCase()] = String(resolved);
  }
  const body = args.body === undefined ? undefined : squareJsonBody(args.body);
  const caller = args.abortSignal;
  try {
    const response = await (args.fetchFn ?? fetch)(url, { method: args.method, headers, ...(body === undefined ? {} : { body }), ...(caller ? { signal: caller } : {}) });
    const text = await response.text();
    if (response.status >= 200 && response.status < 400) return { ok: true, body: successBody(text, response.status), headers: response.headers, rawResponse: rawResponse(response) };
    return { ok: false, error: { reason: 'status-code', statusCode: response.status, body: errorBody(response, text) }, rawResponse: rawResponse(response) };
  } catch (error) {
    if (caller?.aborted) return { ok: false, error: { reason: 'unknown', errorMessage: 'The user aborted a request', cause: error }, rawResponse: failedRawResponse(499, 'Client Closed Request') };
    if (error instanceof Error && error.name === 'AbortError') return { ok: false, error: { reason: 'timeout', cause: error }, rawResponse: failedRawResponse(499, 'Client Closed Request') };
    const errorMessage = error instanceof Error ? error.message : squareJsonBody(error);
    return { ok: false, error: { reason: 'unknown', errorMessage, cause: error }, rawResponse: failedRawResponse(0, 'Unknown Error') };
  }
}

/** fetchJson for the SDK, whose type names the body each call's schema then checks (the SDK's own fetcher is as unchecked). */
export const squareFetcher = fetchJson as FetchFunction;
