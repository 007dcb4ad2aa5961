import { serialization, SquareError, SquareTimeoutError, type Square } from 'square';
import { squareFetcher } from './fetcher.js';
import type { ShapeRoot } from './shape-flags.js';
import { fromSquare } from './shapes.js';

/**
 * The reads a cold page makes by the dozen, made as the SDK's client makes them (the same
 * request, over the same fetcher and transport, hence the same budget, deadline, retries and
 * failures, thrown as the same SquareError) with their answers converted by fromSquare rather
 * than by the SDK's schema transform. Answers are the SDK's own types.
 */
export interface SquareReader {
  /** SearchOrders (the SDK's `orders.search`). */
  searchOrders(request: Square.SearchOrdersRequest): Promise<Square.SearchOrdersResponse>;
  /** BatchRetrieveOrders (the SDK's `orders.batchGet`). */
  batchGetOrders(request: Square.BatchGetOrdersRequest): Promise<Square.BatchGetOrdersResponse>;
  /** One page of ListCustomers (the SDK's `customers.list`, its answer rather than its pager). */
  listCustomers(request: Square.ListCustomersRequest): Promise<Square.ListCustomersResponse>;
  /** RetrievePayment (the SDK's `payments.get`). */
  getPayment(paymentId: string): Promise<Square.GetPaymentResponse>;
  /** One page of ListCards (the SDK's `cards.list`) of a customer. */
  listCards(request: { customerId: string; includeDisabled: boolean; cursor: string | undefined }): Promise<Square.ListCardsResponse>;
  /** One page of ListGiftCards (the SDK's `giftCards.list`) of a customer. */
  listGiftCards(request: { customerId: string; limit: number; cursor: string | undefined }): Promise<Square.ListGiftCardsResponse>;
}

/** A query string as the SDK's builds it: its parameters in its order, those without a value left out. */
function query(parameters: Record<string, string | number | boolean | null | undefined>): string {
  const parts: string[] = [];
  for (const [name, value] of Object.entries(parameters)) if (value !== undefined && value !== null) parts.push(`${name}=${encodeURIComponent(value)}`);
  return parts.join('&');
}

export function squareReader(baseUrl: string, token: string, squareVersion: string, fetch: typeof globalThis.fetch): SquareReader {
  const root = baseUrl.replace(/\/+$/, '');
  // The reader writes its own Square-Version (client.ts's pin), where the SDK's client has its fetch stamp it on each call.
  const headers = { Authorization: `Bearer ${token}`, 'Square-Version': squareVersion };
  const call = async <R extends ShapeRoot>(answer: R, method: 'GET' | 'POST', path: string, body?: unknown, queryString?: string) => {
    const response = await squareFetcher({
      url: `${root}/${path}`,
      method,
      headers,
      queryString,
      ...(body === undefined ? {} : { contentType: 'application/json', requestType: 'json' as const, body }),
      fetchFn: fetch,
    });
    if (response.ok) return fromSquare(answer, response.body);
    const { error, rawResponse } = response;
    // As the SDK's clients raise each failure (its handleNonStatusCodeError), so that errors.ts reads them alike.
    switch (error.reason) {
      case 'status-code':
        throw new SquareError({ statusCode: error.statusCode, body: error.body, rawResponse });
      case 'non-json':
        throw new SquareError({ statusCode: error.statusCode, body: error.rawBody, rawResponse });
      case 'body-is-null':
        throw new SquareError({ statusCode: error.statusCode, rawResponse });
      case 'timeout':
        throw new SquareTimeoutError(`Timeout exceeded when calling ${method} /${path}.`, { cause: error.cause });
      default:
        throw new SquareError({ message: error.errorMessage, rawResponse, cause: error.cause });
    }
  };
  return {
    searchOrders: (request) =>
      call('SearchOrdersResponse', 'POST', 'v2/orders/search', serialization.SearchOrdersRequest.jsonOrThrow(request, { unrecognizedObjectKeys: 'strip', omitUndefined: true })),
    batchGetOrders: (request) =>
      call('BatchGetOrdersResponse', 'POST', 'v2/orders/batch-retrieve', serialization.BatchGetOrdersRequest.jsonOrThrow(request, { unrecognizedObjectKeys: 'strip', omitUndefined: true })),
    listCustomers: ({ cursor, limit, sortField, sortOrder, count }) =>
      call('ListCustomersResponse', 'GET', 'v2/customers', undefined, query({ cursor, limit, sort_field: sortField, sort_order: sortOrder, count })),
    getPayment: (paymentId) => call('GetPaymentResponse', 'GET', `v2/payments/${encodeURIComponent(paymentId)}`),
    listCards: ({ customerId, includeDisabled, cursor }) =>
      call('ListCardsResponse', 'GET', 'v2/cards', undefined, query({ cursor, customer_id: customerId, include_disabled: includeDisabled })),
    listGiftCards: ({ customerId, limit, cursor }) => call('ListGiftCardsResponse', 'GET', 'v2/gift-cards', undefined, query({ limit, cursor, customer_id: customerId })),
  };
}
