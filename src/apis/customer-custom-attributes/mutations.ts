import { z } from 'zod';
import { staleAfter } from './events.js';
import { builder } from '../../schema/builder.js';
import { CustomerCustomAttributeRef } from './custom-attribute.js';
import { ConflictError, NotFoundError, ValidationError } from '../../schema/errors.js';
import { IDEMPOTENCY_KEY_MAX, idInput, idempotencyKey, mutationErrors, squareWrite, validateInput } from '../../schema/write.js';

/** Square's key: this app's own simple key, or another app's application-id:key. */
const KEY = z.string().regex(/^([a-zA-Z0-9_-]+:)?[a-zA-Z0-9_-]{1,60}$/, 'key is 1 to 60 letters, digits, _ or -, optionally after an application id and :');

const upsertSchema = z.object({
  key: KEY,
  value: z.unknown(),
  version: z.number().int().min(0, 'version is 0 or more').optional(),
  idempotencyKey: idempotencyKey(IDEMPOTENCY_KEY_MAX.upsertCustomerCustomAttribute),
});

const UpsertCustomerCustomAttributeInput = builder.inputType('UpsertCustomerCustomAttributeInput', {
  description: 'A custom attribute value to set on a customer profile.',
  fields: (t) => ({
    customerId: t.id({ required: true, description: 'The customer’s id or squareId.' }),
    key: t.string({ required: true, description: 'The key of the attribute’s definition.' }),
    value: t.field({ type: 'JSON', required: true, description: 'The value, matching the definition’s schema (e.g. a string for String, a number for Number).' }),
    version: t.int({
      required: false,
      description: 'The version you read (0 for a value not set yet); when given, the write is refused with ConflictError if the value changed since.',
    }),
    idempotencyKey: t.string({
      required: true,
      description: 'Your unique key for this write, 1 to 45 characters: send the same input again with the same key to retry safely.',
    }),
  }),
});

const DeleteCustomerCustomAttributeInput = builder.inputType('DeleteCustomerCustomAttributeInput', {
  description: 'The custom attribute value to remove from a customer profile.',
  fields: (t) => ({
    customerId: t.id({ required: true, description: 'The customer’s id or squareId.' }),
    key: t.string({ required: true, description: 'The key of the attribute’s definition.' }),
  }),
});

/** Square names the path's parameters and the value under custom_attribute. */
const ATTRIBUTE_FIELDS = { customer_id: 'input.customerId', key: 'input.key', 'custom_attribute.value': 'input.value', 'custom_attribute.version': 'input.version' };

builder.mutationFields((t) => ({
  upsertCustomerCustomAttribute: t.field({
    type: CustomerCustomAttributeRef,
    description:
      'Sets a custom attribute value on a customer, creating or replacing it (Square UpsertCustomerCustomAttribute); pass version to refuse the write if someone else changed the value first.',
    authScopes: { CUSTOMERS_WRITE: true },
    errors: mutationErrors('upsertCustomerCustomAttribute', [ValidationError, NotFoundError, ConflictError], {
      name: 'customAttribute',
      description: 'The value as Square now holds it.',
    }),
    args: { input: t.arg({ type: UpsertCustomerCustomAttributeInput, required: true, description: 'The customer, key and value.' }) },
    resolve: async (_root, { input }, ctx) => {
      const customerId = idInput(input.customerId, 'Customer', 'input.customerId');
      const valid = validateInput(upsertSchema, { ...input, version: input.version ?? undefined });
      const { customAttribute } = await squareWrite(ctx, {
        send: () =>
          ctx.square.customers.customAttributes.upsert({
            customerId,
            key: valid.key,
            customAttribute: { value: valid.value, ...(valid.version !== undefined ? { version: valid.version } : {}) },
            idempotencyKey: valid.idempotencyKey,
          }),
        settle: 'resend',
        fields: ATTRIBUTE_FIELDS,
        stale: staleAfter.customAttribute,
      });
      ctx.loaders.customAttributesByCustomer.clear(customerId);
      return customAttribute!;
    },
  }),
  deleteCustomerCustomAttribute: t.field({
    type: 'String',
    description: 'Removes a custom attribute value from a customer (Square DeleteCustomerCustomAttribute).',
    authScopes: { CUSTOMERS_WRITE: true },
    errors: mutationErrors('deleteCustomerCustomAttribute', [ValidationError, NotFoundError], {
      name: 'deletedKey',
      description: 'The key whose value was removed.',
    }),
    args: { input: t.arg({ type: DeleteCustomerCustomAttributeInput, required: true, description: 'The customer and key.' }) },
    resolve: async (_root, { input }, ctx) => {
      const customerId = idInput(input.customerId, 'Customer', 'input.customerId');
      const { key } = validateInput(z.object({ key: KEY }), { key: input.key });
      await squareWrite(ctx, {
        send: () => ctx.square.customers.customAttributes.delete({ customerId, key }),
        // Sent again after it took effect, the delete would find nothing: gone is the outcome asked for.
        settle: async () => ((await ctx.loaders.currentCustomAttribute(customerId, key)) ? undefined : {}),
        fields: ATTRIBUTE_FIELDS,
        stale: staleAfter.customAttribute,
      });
      ctx.loaders.customAttributesByCustomer.clear(customerId);
      return key;
    },
  }),
}));
