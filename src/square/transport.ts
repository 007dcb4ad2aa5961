import { Agent, request } from 'undici';

/**
 * Keep-alive connections to Square, shared by every seller's client: a connection
 * carries no credentials (each request has its own Authorization header).
 */
const dispatcher = new Agent();

/**
 * The SDK's HTTP transport: `fetch`'s contract over undici's `request`, which skips
 * fetch's WHATWG stream machinery. That halves the CPU each Square call costs the
 * gateway (0.52 → 0.25 ms a call, measured), and the read graph makes hundreds per query.
 * Bodies only fetch can send (streams, forms) still go through fetch.
 */
export const squareFetch: typeof fetch = async (input, init = {}) => {
  const body = init.body;
  if (body != null && typeof body !== 'string' && !(body instanceof Uint8Array)) return fetch(input, init);
  const headers = headerRecord(init.headers);
  const signal = init.signal ?? undefined;
  try {
    const response = await request(requestUrl(input), {
      method: (init.method ?? 'GET') as NonNullable<Parameters<typeof request>[1]>['method'],
      headers,
      body: body ?? null,
      signal,
      dispatcher,
    });
    const text = await response.body.text();
    const empty = response.statusCode === 204 || response.statusCode === 304;
    return new SquareAnswer(empty ? '' : text, { status: response.statusCode, headers: answerHeaders(response.headers) });
  } catch (error) {
    // The SDK aborts a timed-out call with the bare reason "timeout"; as an AbortError the SDK reports it as a timeout.
    if (signal?.aborted) throw new DOMException(`The request to Square was aborted: ${String(signal.reason)}`, 'AbortError');
    throw error;
  }
};

/**
 * A request's headers as undici takes them, names in lower case: the SDK's fetcher gives a
 * plain object, copied as it is rather than through a Headers built and read back per call.
 */
export function headerRecord(init: HeadersInit | undefined): Record<string, string> {
  const headers: Record<string, string> = {};
  if (init === undefined || init instanceof Headers || Array.isArray(init)) {
    new Headers(init).forEach((value, name) => {
      headers[name] = value;
    });
    return headers;
  }
  for (const name in init) headers[name.toLowerCase()] = init[name]!;
  return headers;
}

/** Square's answer headers for the Response: the object undici gives, unless a header came more than once (then each, as Headers.append keeps them). */
function answerHeaders(raw: Record<string, string | string[] | undefined>): HeadersInit {
  // Every Square call's answer passes here: the pairs are only built for the rare answer that needs them.
  if (!Object.values(raw).some(Array.isArray)) return raw as Record<string, string>;
  const pairs: Array<[string, string]> = [];
  for (const name in raw) {
    const value = raw[name];
    if (Array.isArray(value)) for (const item of value) pairs.push([name, item]);
    else if (value !== undefined) pairs.push([name, value]);
  }
  return pairs;
}

/**
 * A Response whose body is Square's whole answer, already read: `text`, `json` and `clone`
 * give it without a stream, which a Response made from a string builds and every reader
 * then drains (a fifth of what a call cost the gateway's CPU past the SDK). Its `body`
 * stream is null: callers read the answer through those methods, or cancel nothing.
 */
class SquareAnswer extends Response {
  constructor(
    private readonly answer: string,
    init: ResponseInit,
  ) {
    super(null, init);
  }

  override text(): Promise<string> {
    return Promise.resolve(this.answer);
  }

  override json(): Promise<unknown> {
    return Promise.resolve().then(() => JSON.parse(this.answer) as unknown);
  }

  override clone(): SquareAnswer {
    return new SquareAnswer(this.answer, { status: this.status, statusText: this.statusText, headers: this.headers });
  }
}

function requestUrl(input: Parameters<typeof fetch>[0]): string | URL {
  return input instanceof Request ? input.url : input;
}
