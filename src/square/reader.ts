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
  /** RetrievePayment (the SDK's `payments.get`). */
  getPayment(paymentId: string): Promise<Square.GetPaymentResponse>;
}

export function squareReader(baseUrl: string, token: string, fetch: typeof globalThis.fetch): SquareReader {
  const root = baseUrl.replace(/\/+$/, '');
  const headers = { Authorization: `Bearer ${token}` };
  const call = async <R extends ShapeRoot>(answer: R, method: 'GET' | 'POST', path: string, body?: unknown) => {
    const response = await squareFetcher({
      url: `${root}/${path}`,
      method,
      headers,
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
    getPayment: (paymentId) => call('GetPaymentResponse', 'GET', `v2/payments/${encodeURIComponent(paymentId)}`),
  };
}
