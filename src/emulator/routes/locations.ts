import type { FastifyInstance } from 'fastify';
import { serialization } from 'square';
import type { EmulatorContext } from '../context.js';
import { createLocation, listLocations, retrieveLocation, updateLocation } from '../domain/locations.js';
import { parseRequest, rulesUnder, type FieldRules } from '../plumbing/validation.js';
import type { Endpoints } from './endpoints.js';

/** What Square's spec states of a location's fields beyond the SDK's schema. */
const LOCATION_RULES: FieldRules = {
  name: { min: 1, max: 255 },
  timezone: { max: 30 },
  language_code: { min: 2, max: 5 },
  phone_number: { max: 17 },
  business_name: { max: 255 },
  website_url: { max: 255 },
  business_email: { max: 255 },
  description: { max: 1024 },
  twitter_username: { min: 1, max: 15 },
  instagram_username: { min: 1, max: 30 },
  facebook_url: { max: 255 },
  mcc: { min: 4, max: 4 },
};
const CREATE_RULES: FieldRules = {
  location: { required: true },
  ...rulesUnder('location', { ...LOCATION_RULES, name: { ...LOCATION_RULES.name, required: true } }),
};
const UPDATE_RULES: FieldRules = { location: { required: true }, ...rulesUnder('location', LOCATION_RULES) };

export const LOCATION_ENDPOINTS: Endpoints = {
  'GET /locations': { response: 'ListLocationsResponse', scopes: ['MERCHANT_PROFILE_READ'] }, // ListLocations
  'GET /locations/:location_id': { response: 'GetLocationResponse', scopes: ['MERCHANT_PROFILE_READ'] }, // RetrieveLocation
  'POST /locations': { response: 'CreateLocationResponse', scopes: ['MERCHANT_PROFILE_WRITE'] }, // CreateLocation
  'PUT /locations/:location_id': { response: 'UpdateLocationResponse', scopes: ['MERCHANT_PROFILE_WRITE'] }, // UpdateLocation
};

/** Locations API: list (not paginated), retrieve (where `main` names the merchant's first location), create and update. */
export function registerLocations(app: FastifyInstance, ctx: EmulatorContext): void {
  app.get('/locations', async (request) => ({ locations: listLocations(ctx, request.merchant.id) }));

  app.get<{ Params: { location_id: string } }>('/locations/:location_id', async (request) => ({
    location: retrieveLocation(ctx, request.merchant.id, request.params.location_id),
  }));

  // Neither call takes an idempotency key: each runs once in a transaction.
  app.post('/locations', async (request) => {
    const body = parseRequest(serialization.CreateLocationRequest, request.body, CREATE_RULES);
    return ctx.tx(() => ({ location: createLocation(ctx, request.merchant.id, body.location!) }));
  });

  app.put<{ Params: { location_id: string } }>('/locations/:location_id', async (request) => {
    const body = parseRequest(serialization.UpdateLocationRequest, request.body, UPDATE_RULES);
    return ctx.tx(() => ({ location: updateLocation(ctx, request.merchant.id, request.params.location_id, body.location!) }));
  });
}
