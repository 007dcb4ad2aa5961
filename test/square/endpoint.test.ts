import { describe, expect, it } from 'vitest';
import { squareEndpoint } from '../../src/square/endpoint.js';

const SQUARE = 'https://connect.squareup.com';

describe('squareEndpoint', () => {
  it.each([
    ['GET', '/v2/customers?limit=100&cursor=abc', 'GET /v2/customers'],
    ['get', '/v2/customers/JDKYHBWT1D4F8MFH63DBMEN8Y4', 'GET /v2/customers/{id}'],
    ['POST', '/v2/customers/bulk-retrieve', 'POST /v2/customers/bulk-retrieve'],
    ['GET', '/v2/payments/bP9mAsEMYPUGjjGNaNO5ZDVyLhSZY', 'GET /v2/payments/{id}'],
    ['POST', '/v2/payments/bP9mAsEMYPUGjjGNaNO5ZDVyLhSZY/complete', 'POST /v2/payments/{id}/complete'],
    ['POST', '/v2/orders/CAISENgvlJ6jLWAzERDzjyHVybY/pay', 'POST /v2/orders/{id}/pay'],
    ['DELETE', '/v2/customers/JDKYHBWT1D4F8MFH63DBMEN8Y4/cards/ccof:uIbfJXhXETSP197M3GB', 'DELETE /v2/customers/{id}/cards/{id}'],
    ['GET', '/v2/gift-cards/gftc:00113070ba5745f0b2377c1b9570cb03', 'GET /v2/gift-cards/{id}'],
    ['POST', '/v2/gift-cards/from-gan', 'POST /v2/gift-cards/from-gan'],
    ['POST', '/v2/gift-cards/gftc:00113070ba5745f0b2377c1b9570cb03/link-customer', 'POST /v2/gift-cards/{id}/link-customer'],
    ['GET', '/v2/locations/L88917AVBK2S5', 'GET /v2/locations/{id}'],
    ['GET', '/v2/customers/JDKYHBWT1D4F8MFH63DBMEN8Y4/custom-attributes/favorite-drink', 'GET /v2/customers/{id}/custom-attributes/{key}'],
    ['GET', '/v2/customers/custom-attribute-definitions/favorite-drink', 'GET /v2/customers/custom-attribute-definitions/{key}'],
    ['POST', '/v2/customers/custom-attributes/bulk-upsert', 'POST /v2/customers/custom-attributes/bulk-upsert'],
    // A lowercase hex id has digits, so it is no word.
    ['GET', '/v2/refunds/abcdef0123456789abcdef0123456789', 'GET /v2/refunds/{id}'],
  ])('%s %s is %s', (method, path, endpoint) => {
    expect(squareEndpoint(method, `${SQUARE}${path}`)).toBe(endpoint);
  });
});
