import type { GraphQLResult } from './gateway.js';
import { WAIT } from './waiting.js';

/** A GraphQL subscription read over server-sent events, as a browser's EventSource would. */
export interface SseSubscription<T = any> {
  status: number;
  /** The next `event: next` message; rejects when the stream ends first, or after WAIT's timeout without one. */
  next(): Promise<GraphQLResult<T>>;
  /** Waits `ms` and returns every message that arrived meanwhile (unread ones included): for "nothing came" checks. */
  drain(ms: number): Promise<Array<GraphQLResult<T>>>;
  /** The SSE `id:` of the message next() returned last (what EventSource would send back as Last-Event-ID). */
  readonly lastEventId: string | undefined;
  /** True once the server sent `event: complete` or closed the stream. */
  readonly completed: boolean;
  close(): void;
}

/**
 * Opens a subscription over SSE (POST with `accept: text/event-stream`, as graphql-yoga
 * serves it) and resolves once the server's first ping came: by then the subscription
 * has started on the server.
 */
export async function subscribeSse<T = any>(
  url: string,
  query: string,
  variables: Record<string, unknown> = {},
  { token, headers = {} }: { token?: string; headers?: Record<string, string> } = {},
): Promise<SseSubscription<T>> {
  const abort = new AbortController();
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      accept: 'text/event-stream',
      'content-type': 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...headers,
    },
    body: JSON.stringify({ query, variables }),
    signal: abort.signal,
  });
  const queue: Array<GraphQLResult<T>> = [];
  const ids: Array<string | undefined> = [];
  let lastEventId: string | undefined;
  const waiting: Array<() => void> = [];
  let completed = false;
  let opened = () => {};
  const open = new Promise<void>((resolve) => (opened = resolve));
  const wake = () => waiting.splice(0).forEach((w) => w());

  const onBlock = (block: string) => {
    const lines = block.split('\n');
    if (lines.some((l) => l.startsWith(':'))) opened();
    const event = lines.find((l) => l.startsWith('event:'))?.slice(6).trim();
    const data = lines
      .filter((l) => l.startsWith('data:'))
      .map((l) => l.slice(5).trimStart())
      .join('\n');
    if (event === 'next') {
      opened();
      queue.push(JSON.parse(data) as GraphQLResult<T>);
      ids.push(lines.find((l) => l.startsWith('id:'))?.slice(3).trim());
    } else if (event === 'complete') completed = true;
    wake();
  };

  void (async () => {
    const decoder = new TextDecoder();
    let buffered = '';
    try {
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
        buffered += decoder.decode(chunk, { stream: true });
        for (let end = buffered.indexOf('\n\n'); end >= 0; end = buffered.indexOf('\n\n')) {
          onBlock(buffered.slice(0, end));
          buffered = buffered.slice(end + 2);
        }
      }
    } catch {
      // Aborted by close().
    }
    completed = true;
    opened();
    wake();
  })();

  await open;
  return {
    status: response.status,
    get completed() {
      return completed;
    },
    get lastEventId() {
      return lastEventId;
    },
    async next() {
      const deadline = Date.now() + WAIT.timeout;
      while (queue.length === 0) {
        if (completed) throw new Error('the subscription ended without another message');
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`no subscription message within ${WAIT.timeout} ms`);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, left);
          waiting.push(() => {
            clearTimeout(timer);
            resolve();
          });
        });
      }
      lastEventId = ids.shift();
      return queue.shift()!;
    },
    async drain(ms) {
      await new Promise((resolve) => setTimeout(resolve, ms));
      lastEventId = ids.splice(0).at(-1) ?? lastEventId;
      return queue.splice(0);
    },
    close: () => abort.abort(),
  };
}
