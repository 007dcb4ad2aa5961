import type { ResponseRoute } from './types.js';

export const locationRoutes: ResponseRoute[] = [
  ['GET', '/v2/locations', 'ListLocationsResponse'],
  ['GET', '/v2/locations/:location_id', 'GetLocationResponse'],
  ['POST', '/v2/locations', 'CreateLocationResponse'],
  ['PUT', '/v2/locations/:location_id', 'UpdateLocationResponse'],
];
