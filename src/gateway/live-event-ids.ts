import type { ExecutionResult } from 'graphql';
import { isAsyncIterable, type Plugin } from 'graphql-yoga';
import type { GatewayContext } from '../context/gateway-context.js';

type ResultProcessor = Parameters<Parameters<NonNullable<Plugin['onResultProcess']>>[0]['setResultProcessor']>[0];

const EVENT_ID = Symbol('live event id');

type Identified = ExecutionResult & { [EVENT_ID]?: number };

/** Marks the context of a request that opened a subscription, so that its stream goes out with ids. */
const SUBSCRIPTION = Symbol('subscription');

type LiveContext = Pick<GatewayContext, 'liveEventId'> & { [SUBSCRIPTION]?: true };

/** How often an idle stream gets a comment line, so that proxies and browsers keep it open (yoga's own interval). */
const PING_MS = 12_000;

/**
 * Subscriptions over server-sent events with an `id:` line per event, the sequence of the
 * Square event it reports, which a browser's EventSource sends back as `Last-Event-ID` when
 * it reconnects (see live-replay.ts). Otherwise the stream is yoga's: a comment first (some
 * browsers wait for a byte before they report the stream open), pings, `next` and `complete` events.
 */
export function liveEventIds(): Plugin<LiveContext, LiveContext> {
  return {
    onSubscribe({ args }) {
      const context = args.contextValue;
      context[SUBSCRIPTION] = true;
      return {
        onSubscribeResult: () => ({
          onNext({ result, setResult }) {
            const sequence = context.liveEventId;
            if (sequence === undefined) return;
            context.liveEventId = undefined;
            setResult({ ...result, [EVENT_ID]: sequence } as Identified);
          },
        }),
      };
    },
    onResultProcess({ serverContext, result, resultProcessor, setResultProcessor }) {
      // A subscription's stream can only have been given to yoga's SSE processor: this one takes its place.
      if (serverContext[SUBSCRIPTION] && isAsyncIterable(result) && resultProcessor) setResultProcessor(identifiedEvents, 'text/event-stream');
    },
  };
}

const identifiedEvents: ResultProcessor = (result, fetchAPI) => {
  const results = (result as AsyncIterable<Identified>)[Symbol.asyncIterator]();
  const encoder = new fetchAPI.TextEncoder();
  let ping: NodeJS.Timeout | undefined;
  const body = new fetchAPI.ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(encoder.encode(':\n\n'));
      ping = setInterval(() => {
        if ((controller.desiredSize ?? 0) > 0) controller.enqueue(encoder.encode(':\n\n'));
      }, PING_MS);
    },
    async pull(controller) {
      try {
        const next = await results.next();
        if (next.done) {
          clearInterval(ping);
          controller.enqueue(encoder.encode('event: complete\ndata:\n\n'));
          controller.close();
          return;
        }
        const id = next.value[EVENT_ID];
        controller.enqueue(encoder.encode(`event: next\n${id === undefined ? '' : `id: ${id}\n`}data: ${stringify(next.value)}\n\n`));
      } catch (error) {
        clearInterval(ping);
        controller.error(error);
      }
    },
    async cancel() {
      clearInterval(ping);
      await results.return?.();
    },
  });
  return new fetchAPI.Response(body, {
    status: 200,
    headers: { 'content-type': 'text/event-stream', connection: 'keep-alive', 'cache-control': 'no-cache', 'content-encoding': 'none' },
  });
};

/** As yoga sends a result: without the extensions (`http`, `unexpected`) it keeps for itself. */
function stringify(result: ExecutionResult): string {
  const errors = result.errors?.map((error) => {
    const json = error.toJSON();
    return { ...json, extensions: withoutInternals(json.extensions) };
  });
  return JSON.stringify({ ...result, errors, extensions: withoutInternals(result.extensions) });
}

function withoutInternals(extensions: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  const { http: _http, unexpected: _unexpected, ...rest } = extensions ?? {};
  return Object.keys(rest).length > 0 ? rest : undefined;
}
