import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { print } from 'graphql';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { otlpTracing } from '../../src/gateway/tracing.js';
import { tokenKey } from '../../src/square/budget.js';
import { CustomerOverviewDocument } from '../gql/graphql.js';
import { addFault } from '../support/faults.js';
import { createTestGateway, SERVER_TOKEN, useGateway } from '../support/gateway.js';
import { newCard, newCustomer, newGiftCard } from '../support/payments.js';

describe('traces', () => {
  const exporter = new InMemorySpanExporter();
  const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const stack = useGateway({ tracerProvider, maxRetries: 1 });
  let customerId: string;
  let cardId: string;
  beforeAll(async () => {
    const square = stack.square();
    customerId = await newCustomer(square, 'Ada');
    cardId = await newCard(square, customerId);
    await square.giftCards.linkCustomer({ giftCardId: await newGiftCard(square, 2500), customerId });
  });
  beforeEach(() => exporter.reset());

  const operationSpan = (spans: ReadableSpan[]) => spans.find((span) => span.kind === SpanKind.SERVER)!;
  const squareSpans = (spans: ReadableSpan[]) => spans.filter((span) => span.kind === SpanKind.CLIENT);

  it('makes a span per operation, and a child span per Square call with its endpoint, status, retries and seller hash', async () => {
    const result = await stack.gql(CustomerOverviewDocument, { first: 5, ordersFirst: 2 });
    expect(result.errors).toBeUndefined();
    const spans = exporter.getFinishedSpans();
    const operation = operationSpan(spans);
    expect(operation.name).toBe('query CustomerOverview');
    expect(operation.parentSpanContext).toBeUndefined();
    expect(operation.attributes).toMatchObject({ 'graphql.operation.type': 'query', 'graphql.operation.name': 'CustomerOverview' });
    expect(operation.status.code).not.toBe(SpanStatusCode.ERROR);

    const calls = squareSpans(spans);
    // The page, then each customer's cards, gift cards and order search.
    expect(calls.map((span) => span.name)).toEqual(
      expect.arrayContaining(['square GET /v2/customers', 'square GET /v2/cards', 'square GET /v2/gift-cards', 'square POST /v2/orders/search']),
    );
    for (const call of calls) {
      expect(call.parentSpanContext?.spanId).toBe(operation.spanContext().spanId);
      expect(call.spanContext().traceId).toBe(operation.spanContext().traceId);
      expect(call.attributes).toMatchObject({ 'http.response.status_code': 200, 'square.retries': 0, 'square.seller': tokenKey(SERVER_TOKEN) });
    }
    expect(calls.find((span) => span.name === 'square GET /v2/customers')!.attributes).toMatchObject({
      'http.request.method': 'GET',
      'square.endpoint': 'GET /v2/customers',
    });
    // Never a token, and never an id of the seller's objects.
    const text = JSON.stringify(spans.map((span) => ({ name: span.name, attributes: span.attributes, events: span.events, status: span.status })));
    for (const secret of [SERVER_TOKEN, customerId, cardId]) expect(text).not.toContain(secret);
  });

  it('continues the trace of a caller that sends a W3C traceparent', async () => {
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const parentId = '00f067aa0ba902b7';
    const result = await stack.gql(CustomerOverviewDocument, { first: 1, ordersFirst: 1 }, { headers: { traceparent: `00-${traceId}-${parentId}-01` } });
    expect(result.errors).toBeUndefined();
    const operation = operationSpan(exporter.getFinishedSpans());
    expect(operation.spanContext().traceId).toBe(traceId);
    expect(operation.parentSpanContext?.spanId).toBe(parentId);
  });

  it('says how often a call was retried, and what each attempt was answered', async () => {
    await addFault(stack, { method: 'GET', path: '/v2/customers', status: 429, retry_after_seconds: 0, count: 1 });
    expect((await stack.gql(CustomerOverviewDocument, { first: 5, ordersFirst: 2 })).errors).toBeUndefined();
    const page = squareSpans(exporter.getFinishedSpans()).find((span) => span.name === 'square GET /v2/customers')!;
    expect(page.attributes).toMatchObject({ 'square.retries': 1, 'http.response.status_code': 200 });
    expect(page.events.map((event) => event.attributes?.['http.response.status_code'])).toEqual([429, 200]);
  });

  it('marks a failed operation with its error code', async () => {
    await addFault(stack, { method: 'GET', path: '/v2/customers', status: 500, count: 2 });
    const result = await stack.gql(CustomerOverviewDocument, { first: 5, ordersFirst: 2 });
    const code = result.errors![0]!.extensions!.code as string;
    const spans = exporter.getFinishedSpans();
    const operation = operationSpan(spans);
    expect(operation.status.code).toBe(SpanStatusCode.ERROR);
    expect(operation.attributes['graphql.error.code']).toBe(code);
    const page = squareSpans(spans).find((span) => span.name === 'square GET /v2/customers')!;
    expect(page.status.code).toBe(SpanStatusCode.ERROR);
    expect(page.attributes).toMatchObject({ 'http.response.status_code': 500, 'square.retries': 1 });
  });

  const received: Array<{ path: string; body: Buffer }> = [];
  const collector = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({ path: request.url ?? '', body: Buffer.concat(chunks) });
      response.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
    });
  });
  let endpoint: string;
  beforeAll(async () => {
    await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', resolve));
    endpoint = `http://127.0.0.1:${(collector.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => collector.close(() => resolve())));

  it('are off without an OTLP endpoint', async () => {
    expect(await otlpTracing({})).toBeUndefined();
  });

  it('are exported to OTEL_EXPORTER_OTLP_ENDPOINT with the service name', async () => {
    const provider = (await otlpTracing({ OTEL_EXPORTER_OTLP_ENDPOINT: endpoint, OTEL_SERVICE_NAME: 'gateway-under-test' }))!;
    const gateway = createTestGateway(stack.emulatorUrl, { tracerProvider: provider });
    try {
      const url = await gateway.listen();
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: print(CustomerOverviewDocument), variables: { first: 1, ordersFirst: 1 } }),
      });
      expect(response.status).toBe(200);
      await provider.forceFlush();
    } finally {
      await gateway.close();
      await provider.shutdown();
    }
    expect(received.map((request) => request.path)).toContain('/v1/traces');
    const exported = Buffer.concat(received.map((request) => request.body)).toString('latin1');
    for (const text of ['gateway-under-test', 'query CustomerOverview', 'square GET /v2/customers']) expect(exported).toContain(text);
  });
});
