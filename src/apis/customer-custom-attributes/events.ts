import { serialization } from 'square';
import { on } from '../api.js';

export const cached = {
  /** Every customer's ListCustomerCustomAttributes result, with definitions. */
  customAttributesOfCustomers: 'custom-attributes-of',
  /** The seller's ListCustomerCustomAttributeDefinitions (all pages). */
  customAttributeDefinitions: 'custom-attribute-definitions',
} as const;

export const staleAfter = {
  /** Custom attribute events name the customer only inside the value's id, so every customer's list is dropped. */
  customAttribute: () => [cached.customAttributesOfCustomers],
  /** A definition's name and visibility show on every value of it, and deleting it deletes them. */
  customAttributeDefinition: () => [cached.customAttributeDefinitions, cached.customAttributesOfCustomers],
};

const value = () => ({ stale: staleAfter.customAttribute() });
const definition = () => ({ stale: staleAfter.customAttributeDefinition() });

// `owned`: of the gateway's own definitions; `visible`: of other apps' definitions it may read.
export const events = {
  'customer.custom_attribute.owned.updated': on(serialization.CustomerCustomAttributeOwnedUpdatedEvent, value),
  'customer.custom_attribute.owned.deleted': on(serialization.CustomerCustomAttributeOwnedDeletedEvent, value),
  'customer.custom_attribute.visible.updated': on(serialization.CustomerCustomAttributeVisibleUpdatedEvent, value),
  'customer.custom_attribute.visible.deleted': on(serialization.CustomerCustomAttributeVisibleDeletedEvent, value),
  'customer.custom_attribute_definition.owned.created': on(serialization.CustomerCustomAttributeDefinitionOwnedCreatedEvent, definition),
  'customer.custom_attribute_definition.owned.updated': on(serialization.CustomerCustomAttributeDefinitionOwnedUpdatedEvent, definition),
  'customer.custom_attribute_definition.owned.deleted': on(serialization.CustomerCustomAttributeDefinitionOwnedDeletedEvent, definition),
  'customer.custom_attribute_definition.visible.created': on(serialization.CustomerCustomAttributeDefinitionVisibleCreatedEvent, definition),
  'customer.custom_attribute_definition.visible.updated': on(serialization.CustomerCustomAttributeDefinitionVisibleUpdatedEvent, definition),
  'customer.custom_attribute_definition.visible.deleted': on(serialization.CustomerCustomAttributeDefinitionVisibleDeletedEvent, definition),
};
