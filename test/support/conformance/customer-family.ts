import type { ResponseRoute } from './types.js';

/**
 * Customer groups, segments, custom attributes and the deprecated customer-card endpoints.
 * Listed before the Customers API's own routes: `/v2/customers/:customer_id` would match
 * `/v2/customers/groups` too.
 */
export const customerFamilyRoutes: ResponseRoute[] = [
  ['GET', '/v2/customers/groups', 'ListCustomerGroupsResponse'],
  ['POST', '/v2/customers/groups', 'CreateCustomerGroupResponse'],
  ['GET', '/v2/customers/groups/:group_id', 'GetCustomerGroupResponse'],
  ['PUT', '/v2/customers/groups/:group_id', 'UpdateCustomerGroupResponse'],
  ['DELETE', '/v2/customers/groups/:group_id', 'DeleteCustomerGroupResponse'],
  ['PUT', '/v2/customers/:customer_id/groups/:group_id', 'AddGroupToCustomerResponse'],
  ['DELETE', '/v2/customers/:customer_id/groups/:group_id', 'RemoveGroupFromCustomerResponse'],
  ['GET', '/v2/customers/segments', 'ListCustomerSegmentsResponse'],
  ['GET', '/v2/customers/segments/:segment_id', 'GetCustomerSegmentResponse'],
  ['GET', '/v2/customers/custom-attribute-definitions', 'ListCustomerCustomAttributeDefinitionsResponse'],
  ['POST', '/v2/customers/custom-attribute-definitions', 'CreateCustomerCustomAttributeDefinitionResponse'],
  ['GET', '/v2/customers/custom-attribute-definitions/:key', 'GetCustomerCustomAttributeDefinitionResponse'],
  ['PUT', '/v2/customers/custom-attribute-definitions/:key', 'UpdateCustomerCustomAttributeDefinitionResponse'],
  ['DELETE', '/v2/customers/custom-attribute-definitions/:key', 'DeleteCustomerCustomAttributeDefinitionResponse'],
  ['POST', '/v2/customers/custom-attributes/bulk-upsert', 'BatchUpsertCustomerCustomAttributesResponse'],
  ['GET', '/v2/customers/:customer_id/custom-attributes', 'ListCustomerCustomAttributesResponse'],
  ['GET', '/v2/customers/:customer_id/custom-attributes/:key', 'GetCustomerCustomAttributeResponse'],
  ['POST', '/v2/customers/:customer_id/custom-attributes/:key', 'UpsertCustomerCustomAttributeResponse'],
  ['DELETE', '/v2/customers/:customer_id/custom-attributes/:key', 'DeleteCustomerCustomAttributeResponse'],
  ['POST', '/v2/customers/:customer_id/cards', 'CreateCustomerCardResponse'],
  ['DELETE', '/v2/customers/:customer_id/cards/:card_id', 'DeleteCustomerCardResponse'],
];
