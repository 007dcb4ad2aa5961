import { context, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Span, type TextMapGetter, type Tracer, type TracerProvider } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import type { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import { getOperationAST, type DocumentNode, type ExecutionResult } from 'graphql';
import { isAsyncIterable, type Plugin } from 'graphql-yoga';
import type { SquareObserver } from '../square/observer.js';
import type { GatewayMetrics } from './metrics.js';

const TRACER_NAME = 'square-graphql-gateway';

/**
 * Traces exported over OTLP/HTTP when OTEL_EXPORTER_OTLP_TRACES_ENDPOINT or
 * OTEL_EXPORTER_OTLP_ENDPOINT (to which `/v1/traces` is added) is set; the exporter reads
 * OpenTelemetry's other standard variables itself (headers, timeout, compression).
 * Undefined otherwise: no provider, no plugin, no span, and the SDK and exporter are not
 * even loaded (they take a while to, and `npm start` should start fast).
 */
export async function otlpTracing(env: NodeJS.ProcessEnv): Promise<BasicTracerProvider | undefined> {
  const base = env.OTEL_EXPORTER_OTLP_ENDPOINT;
  const url = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT || (base && `${base.replace(/\/+$/, '')}/v1/traces`);
  if (!url) return undefined;
  const [{ BasicTracerProvider, BatchSpanProcessor }, { OTLPTraceExporter }, { resourceFromAttributes }] = await Promise.all([
    import('@opentelemetry/sdk-trace-base'),
    import('@opentelemetry/exporter-trace-otlp-http'),
    import('@opentelemetry/resources'),
  ]);
  return new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': env.OTEL_SERVICE_NAME || TRACER_NAME }),
    spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter({ url }))],
  });
}

let contextManaged = false;

const traceContext = new W3CTraceContextPropagator();
const headerGetter: TextMapGetter<Headers> = {
  get: (headers, key) => headers.get(key) ?? undefined,
  keys: (headers) => [...headers.keys()],
};

/**
 * The gateway's spans, from `provider` (never a global one): a span per GraphQL operation,
 * and as its child a span per Square call (see tracedSquareCalls). The operation's span is
 * made active around its execution, so the calls its resolvers make find it as their parent;
 * a caller's W3C `traceparent` header makes it a child of the caller's span.
 * Not @envelop/opentelemetry: it records the errors' messages, which may name ids, and
 * brings a second, 1.x OpenTelemetry SDK; these spans carry the error's code only.
 */
export function tracing(provider: TracerProvider, metrics: Pick<GatewayMetrics, 'operationLabel'>) {
  if (!contextManaged) {
    // Once per process: async context is what carries the operation's span to the SDK's calls.
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    contextManaged = true;
  }
  const tracer = provider.getTracer(TRACER_NAME);
  const start = (request: Request, document: DocumentNode, operationName: string | null | undefined): Span => {
    const operation = getOperationAST(document, operationName);
    const type = operation?.operation ?? 'unknown';
    // The bounded label, as in the metrics: a client names its operations, and span names should not grow without bound.
    const name = metrics.operationLabel(operation?.name?.value);
    const caller = traceContext.extract(ROOT_CONTEXT, request.headers, headerGetter);
    const attributes = { 'graphql.operation.type': type, 'graphql.operation.name': name };
    return tracer.startSpan(`${type} ${name}`, { kind: SpanKind.SERVER, attributes }, caller);
  };

  const plugin: Plugin<{ request: Request }> = {
    onExecute({ args, executeFn, setExecuteFn }) {
      const span = start(args.contextValue.request, args.document, args.operationName);
      setExecuteFn((executeArgs) => context.with(trace.setSpan(context.active(), span), () => executeFn(executeArgs)));
      return {
        onExecuteDone({ result }) {
          if (!isAsyncIterable(result)) return end(span, result);
          return { onNext: ({ result }) => outcome(span, result), onEnd: () => span.end() };
        },
      };
    },
    onSubscribe({ args, subscribeFn, setSubscribeFn }) {
      const span = start(args.contextValue.request, args.document, args.operationName);
      setSubscribeFn((subscribeArgs) => context.with(trace.setSpan(context.active(), span), () => subscribeFn(subscribeArgs)));
      // The span covers the subscription's start; a stream may last for hours.
      return { onSubscribeResult: ({ result }) => end(span, isAsyncIterable(result) ? {} : result) };
    },
  };
  return { plugin, squareCalls: (observer: SquareObserver) => tracedSquareCalls(observer, tracer) };
}

/** Marks a failed operation with its first error's code only: messages may hold ids. */
function outcome(span: Span, result: ExecutionResult): void {
  const first = result.errors?.[0];
  if (!first) return;
  const code = first.extensions?.code;
  span.setAttribute('graphql.error.code', typeof code === 'string' ? code : 'ERROR');
  span.setStatus({ code: SpanStatusCode.ERROR });
}

function end(span: Span, result: ExecutionResult): void {
  outcome(span, result);
  span.end();
}

/**
 * A span per Square call, its retries included, as a child of the active span: the
 * endpoint without ids, the last status, the retries and the seller's hash (never its token).
 */
function tracedSquareCalls(observer: SquareObserver, tracer: Tracer): SquareObserver {
  return {
    ...observer,
    call: (endpoint, seller) => {
      const method = endpoint.slice(0, endpoint.indexOf(' '));
      const span = tracer.startSpan(`square ${endpoint}`, {
        kind: SpanKind.CLIENT,
        attributes: { 'http.request.method': method, 'square.endpoint': endpoint, 'square.seller': seller },
      });
      const observed = observer.call(endpoint, seller);
      return {
        answered: (status, seconds) => {
          span.addEvent('answer', { 'http.response.status_code': status ?? 0, 'square.seconds': seconds });
          observed.answered(status, seconds);
        },
        ended: (result) => {
          span.setAttribute('square.retries', result.retries);
          if (result.status !== undefined) span.setAttribute('http.response.status_code', result.status);
          if (result.refused) span.setAttribute('square.budget.refused', result.refused);
          if (result.status === undefined || result.status >= 400) span.setStatus({ code: SpanStatusCode.ERROR });
          span.end();
          observed.ended(result);
        },
      };
    },
  };
}
