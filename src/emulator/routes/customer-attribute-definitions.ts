import type { FastifyInstance } from 'fastify';
import { serialization, type Square } from 'square';
import { z } from 'zod';
import type { EmulatorContext } from '../context.js';
import {
  ATTRIBUTE_PAGE,
  createDefinition,
  deleteDefinition,
  listDefinitions,
  retrieveDefinition,
  updateDefinition,
} from '../domain/customer-attribute-definitions.js';
import { parse, parseRequest, querySchema, shapes, withoutNulls, type FieldRules } from '../plumbing/validation.js';
import type { Endpoints } from './endpoints.js';

/** What Square states for a definition write beyond the SDK's schema (create and update alike). */
const WRITE_RULES: FieldRules = {
  idempotency_key: { max: 45 },
  'custom_attribute_definition.key': { min: 1 },
  'custom_attribute_definition.name': { max: 255 },
  'custom_attribute_definition.description': { max: 255 },
};

const listQuery = querySchema<Square.customers.ListCustomAttributeDefinitionsRequest>()({
  cursor: z.string(),
  limit: shapes.queryInt.min(1).max(ATTRIBUTE_PAGE.max),
});
const getQuery = querySchema<Omit<Square.customers.GetCustomAttributeDefinitionsRequest, 'key'>>()({ version: shapes.queryInt });

type KeyParams = { Params: { key: string } };

export const CUSTOMER_ATTRIBUTE_DEFINITION_ENDPOINTS: Endpoints = {
  'GET /customers/custom-attribute-definitions': { response: 'ListCustomerCustomAttributeDefinitionsResponse', scopes: ['CUSTOMERS_READ'] }, // ListCustomerCustomAttributeDefinitions
  'POST /customers/custom-attribute-definitions': { response: 'CreateCustomerCustomAttributeDefinitionResponse', scopes: ['CUSTOMERS_WRITE'] }, // CreateCustomerCustomAttributeDefinition
  'GET /customers/custom-attribute-definitions/:key': { response: 'GetCustomerCustomAttributeDefinitionResponse', scopes: ['CUSTOMERS_READ'] }, // RetrieveCustomerCustomAttributeDefinition
  'PUT /customers/custom-attribute-definitions/:key': { response: 'UpdateCustomerCustomAttributeDefinitionResponse', scopes: ['CUSTOMERS_WRITE'] }, // UpdateCustomerCustomAttributeDefinition
  'DELETE /customers/custom-attribute-definitions/:key': { response: 'DeleteCustomerCustomAttributeDefinitionResponse', scopes: ['CUSTOMERS_WRITE'] }, // DeleteCustomerCustomAttributeDefinition
};

/** Customer Custom Attributes API, definitions: create, list, retrieve, update, delete. */
export function registerCustomerAttributeDefinitions(app: FastifyInstance, ctx: EmulatorContext): void {
  app.get('/customers/custom-attribute-definitions', async (request) =>
    listDefinitions(ctx, request.merchant.id, parse(listQuery, request.query)),
  );

  app.post('/customers/custom-attribute-definitions', async (request, reply) => {
    const merchantId = request.merchant.id;
    const body = withoutNulls(
      parseRequest(serialization.customers.CreateCustomerCustomAttributeDefinitionRequest, request.body, WRITE_RULES),
    );
    const scope = { merchantId, endpoint: 'CreateCustomerCustomAttributeDefinition', key: body.idempotency_key, request: request.body };
    return ctx.idempotency.send(reply, scope, () => ({
      custom_attribute_definition: createDefinition(ctx, merchantId, body.custom_attribute_definition),
    }));
  });

  app.get<KeyParams>('/customers/custom-attribute-definitions/:key', async (request) => {
    const { version } = parse(getQuery, request.query);
    return { custom_attribute_definition: retrieveDefinition(ctx, request.merchant.id, request.params.key, version) };
  });

  app.put<KeyParams>('/customers/custom-attribute-definitions/:key', async (request, reply) => {
    const merchantId = request.merchant.id;
    const { key } = request.params;
    const body = withoutNulls(
      parseRequest(serialization.customers.UpdateCustomerCustomAttributeDefinitionRequest, request.body, WRITE_RULES),
    );
    const scope = { merchantId, endpoint: `UpdateCustomerCustomAttributeDefinition/${key}`, key: body.idempotency_key, request: request.body };
    return ctx.idempotency.send(reply, scope, () => ({
      custom_attribute_definition: updateDefinition(ctx, merchantId, key, body.custom_attribute_definition),
    }));
  });

  app.delete<KeyParams>('/customers/custom-attribute-definitions/:key', async (request) => {
    ctx.tx(() => deleteDefinition(ctx, request.merchant.id, request.params.key));
    return {};
  });
}
