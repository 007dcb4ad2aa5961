import { createHash, timingSafeEqual } from 'node:crypto';
import { getOperationAST, type DocumentNode, type ExecutionResult } from 'graphql';
import { isAsyncIterable, type Plugin } from 'graphql-yoga';
import type { GatewayMetrics, OperationType } from './metrics.js';
import { bearerToken } from '../context/bearer.js';

export const METRICS_PATH = '/metrics';

interface Measured {
  start: number;
  name?: string | null | undefined;
  type: OperationType;
}

/** Where a request's context carries its operation as measured, from its first hook to its result. */
const MEASURED = Symbol('operation measured');

type MeasuredContext = { [MEASURED]?: Measured };

/**
 * Serves `GET /metrics` (behind `Authorization: Bearer <token>` when a token is set), and
 * counts and times every GraphQL operation by name, type and outcome, and the
 * subscriptions streaming. Not @graphql-yoga/plugin-prometheus: it labels series with any
 * operation name a client sends (unbounded) and has no outcome by error code.
 */
export function metricsPlugin(metrics: GatewayMetrics, token: string | undefined): Plugin<MeasuredContext, MeasuredContext> {
  const allowed = token === undefined ? () => true : bearerMatches(token);
  const note = (context: MeasuredContext, document: DocumentNode, operationName: string | null | undefined) => {
    const entry = context[MEASURED];
    const operation = getOperationAST(document, operationName);
    if (!entry || !operation) return;
    entry.name = operation.name?.value;
    entry.type = operation.operation;
  };

  return {
    async onRequest({ request, url, serverContext, endResponse, fetchAPI }) {
      if (url.pathname !== METRICS_PATH) {
        serverContext[MEASURED] = { start: performance.now(), type: 'unknown' };
        return;
      }
      if (request.method !== 'GET') return;
      if (!allowed(request.headers.get('authorization'))) {
        endResponse(new fetchAPI.Response('Send the metrics token as "Authorization: Bearer <METRICS_TOKEN>".\n', {
          status: 401,
          headers: { 'www-authenticate': 'Bearer', 'content-type': 'text/plain; charset=utf-8' },
        }));
        return;
      }
      endResponse(new fetchAPI.Response(await metrics.render(), {
        headers: { 'content-type': metrics.registry.contentType, 'cache-control': 'no-store' },
      }));
    },
    onParams({ params, context }) {
      const entry = context[MEASURED];
      if (entry) entry.name = params.operationName;
    },
    onExecute({ args }) {
      note(args.contextValue, args.document, args.operationName);
    },
    onSubscribe({ args }) {
      note(args.contextValue, args.document, args.operationName);
      return {
        onSubscribeResult({ result }) {
          if (!isAsyncIterable(result)) return;
          metrics.subscriptionOpened();
          return { onEnd: () => metrics.subscriptionClosed() };
        },
      };
    },
    onResultProcess({ serverContext, result }) {
      const entry = serverContext[MEASURED];
      if (!entry) return;
      delete serverContext[MEASURED];
      const seconds = (performance.now() - entry.start) / 1000;
      const operation = metrics.operationLabel(entry.name);
      // A stream (a subscription, an incremental delivery) counts as it starts.
      const results = isAsyncIterable(result) ? [{}] : Array.isArray(result) ? result : [result];
      for (const each of results as ExecutionResult[]) metrics.operationDone(operation, entry.type, errorCode(each), seconds);
    },
  };
}

/** The first error's code, `ERROR` for one without; undefined when the result has no error. */
function errorCode(result: ExecutionResult): string | undefined {
  const first = result.errors?.[0];
  if (!first) return undefined;
  const code = first.extensions?.code;
  return typeof code === 'string' ? code : 'ERROR';
}

/** Compares digests, so that the comparison takes as long whatever the guess. */
function bearerMatches(token: string): (authorization: string | null) => boolean {
  const expected = createHash('sha256').update(token).digest();
  return (authorization) => {
    const presented = bearerToken(authorization);
    return presented !== undefined && timingSafeEqual(createHash('sha256').update(presented).digest(), expected);
  };
}
