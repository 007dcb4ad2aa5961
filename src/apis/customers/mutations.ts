import type { Square } from 'square';
import { z } from 'zod';
import { builder } from '../../schema/builder.js';
import { AddressInput, squareAddress } from '../../schema/address.js';
import { ConflictError, NotFoundError, ValidationError } from '../../schema/errors.js';
import { CustomerRef } from './refs.js';
import type { GatewayContext } from '../../context/gateway-context.js';
import { IDEMPOTENCY_KEY_MAX, idInput, idempotencyKey, mutationErrors, present, squareWrite, validateInput } from '../../schema/write.js';
import { staleAfter } from './events.js';

const ProfileInput = {
  givenName: z.string().max(300).optional(),
  familyName: z.string().max(300).optional(),
  companyName: z.string().max(500).optional(),
  nickname: z.string().max(100).optional(),
  emailAddress: z.string().max(254).email('emailAddress is not an email address').optional(),
  phoneNumber: z.string().max(32).optional(),
  referenceId: z.string().max(100).optional(),
  note: z.string().max(1000).optional(),
  birthday: z
    .string()
    .regex(/^(\d{4}-)?\d{2}-\d{2}$/, 'birthday is YYYY-MM-DD or MM-DD')
    .optional(),
};

const createSchema = z
  .object({ ...ProfileInput, idempotencyKey: idempotencyKey(IDEMPOTENCY_KEY_MAX.createCustomer) })
  .refine((c) => c.givenName || c.familyName || c.companyName || c.emailAddress || c.phoneNumber, {
    message: 'Give at least one of givenName, familyName, companyName, emailAddress or phoneNumber.',
    path: ['givenName'],
  });

const CreateCustomerInput = builder.inputType('CreateCustomerInput', {
  description: 'A new customer profile; at least one of a name, company, email address or phone number.',
  fields: (t) => ({
    givenName: t.string({ required: false, description: 'First name, up to 300 characters.' }),
    familyName: t.string({ required: false, description: 'Last name, up to 300 characters.' }),
    companyName: t.string({ required: false, description: 'Business name, up to 500 characters.' }),
    nickname: t.string({ required: false, description: 'Nickname, up to 100 characters.' }),
    emailAddress: t.string({ required: false, description: 'Email address.' }),
    phoneNumber: t.string({ required: false, description: 'Phone number: 9 to 16 digits, an optional leading +.' }),
    referenceId: t.string({ required: false, description: 'Your own reference, e.g. a CRM id; up to 100 characters.' }),
    note: t.string({ required: false, description: 'A note about the customer.' }),
    birthday: t.string({ required: false, description: 'YYYY-MM-DD, or MM-DD when the year is unknown.' }),
    address: t.field({ type: AddressInput, required: false, description: 'The customer’s postal address.' }),
    idempotencyKey: t.string({
      required: true,
      description:
        'Your unique key for this profile, 1 to 45 characters: send the same input again with the same key to retry without creating a second profile.',
    }),
  }),
});

const UpdateCustomerInput = builder.inputType('UpdateCustomerInput', {
  description: 'Changes to a customer profile: only the fields given change; null clears a text field.',
  fields: (t) => ({
    id: t.id({ required: true, description: 'The customer’s id or squareId.' }),
    version: t.field({
      type: 'BigInt',
      required: false,
      description: 'The version you read; when given, the update is refused with ConflictError if the profile changed since.',
    }),
    givenName: t.string({ required: false, description: 'First name.' }),
    familyName: t.string({ required: false, description: 'Last name.' }),
    companyName: t.string({ required: false, description: 'Business name.' }),
    nickname: t.string({ required: false, description: 'Nickname.' }),
    emailAddress: t.string({ required: false, description: 'Email address.' }),
    phoneNumber: t.string({ required: false, description: 'Phone number.' }),
    referenceId: t.string({ required: false, description: 'Your own reference.' }),
    note: t.string({ required: false, description: 'A note about the customer.' }),
    birthday: t.string({ required: false, description: 'YYYY-MM-DD or MM-DD.' }),
    address: t.field({ type: AddressInput, required: false, description: 'A new postal address; its fields replace the stored ones.' }),
  }),
});

const DeleteCustomerInput = builder.inputType('DeleteCustomerInput', {
  description: 'The customer profile to delete.',
  fields: (t) => ({
    id: t.id({ required: true, description: 'The customer’s id or squareId.' }),
    version: t.field({ type: 'BigInt', required: false, description: 'When given, the delete is refused if the profile changed since.' }),
  }),
});

const CUSTOMER_ERRORS = [ValidationError, NotFoundError, ConflictError];

/** Update and delete name the customer by input.id; Square's refusals about it name no field. */
const NAMED_BY_ID = { '': 'input.id', customer_id: 'input.id' };

/** The customer as Square has it now, read past this request's loaders; undefined when there is none. */
async function retrieveCustomer(ctx: GatewayContext, customerId: string): Promise<Square.Customer | undefined> {
  return ctx.loaders.currentCustomer(customerId);
}

/**
 * Whether the profile shows every change asked for, as Square stores it: an empty or
 * null text clears a field, a birthday without a year is kept as 0000-MM-DD, and an
 * address changes only in the parts given (without a recipient's name).
 */
function hasChanges(customer: Square.Customer, changes: Record<string, unknown>): boolean {
  const stored = (value: unknown) => (value === '' || value == null ? undefined : value);
  return Object.entries(changes).every(([field, value]) => {
    if (field === 'address') {
      const { firstName: _first, lastName: _last, ...given } = value as Square.Address;
      return Object.entries(given).every(([part, v]) => stored(customer.address?.[part as keyof Square.Address]) === stored(v));
    }
    const want = field === 'birthday' && typeof value === 'string' && /^\d{2}-\d{2}$/.test(value) ? `0000-${value}` : stored(value);
    return stored(customer[field as keyof Square.Customer]) === want;
  });
}

builder.mutationFields((t) => ({
  createCustomer: t.field({
    type: CustomerRef,
    description: 'Creates a customer profile (Square CreateCustomer).',
    authScopes: { CUSTOMERS_WRITE: true },
    errors: mutationErrors('createCustomer', CUSTOMER_ERRORS, { name: 'customer', description: 'The new customer profile.' }),
    args: { input: t.arg({ type: CreateCustomerInput, required: true, description: 'The new profile.' }) },
    resolve: async (_root, { input }, ctx) => {
      const valid = validateInput(createSchema, present(input));
      const address = input.address ? squareAddress(input.address, 'input.address') : undefined;
      const { customer } = await squareWrite(ctx, {
        send: () => ctx.square.customers.create({ ...valid, ...(address ? { address } : {}) }),
        settle: 'resend',
        stale: (r) => staleAfter.customer(r?.customer?.id),
      });
      return customer!;
    },
  }),
  updateCustomer: t.field({
    type: CustomerRef,
    description: 'Changes a customer profile (Square UpdateCustomer); pass version to refuse the change if someone else changed it first.',
    authScopes: { CUSTOMERS_WRITE: true },
    errors: mutationErrors('updateCustomer', CUSTOMER_ERRORS, { name: 'customer', description: 'The profile after the change.' }),
    args: { input: t.arg({ type: UpdateCustomerInput, required: true, description: 'The changes.' }) },
    resolve: async (_root, { input }, ctx) => {
      const { id, version, address, ...fields } = input;
      const customerId = idInput(id, 'Customer', 'input.id');
      validateInput(z.object(ProfileInput), present(fields));
      const changes = { ...(fields as Record<string, string | null>), ...(address ? { address: squareAddress(address, 'input.address') } : {}) };
      const { customer } = await squareWrite(ctx, {
        send: () => ctx.square.customers.update({ customerId, ...(version != null ? { version } : {}), ...changes }),
        // Sent again after it took effect, the update would meet its own new version (ConflictError) or bump the version twice.
        settle: async () => {
          const current = await retrieveCustomer(ctx, customerId);
          const advanced = version == null || BigInt(current?.version ?? -1n) > BigInt(version);
          return current && advanced && hasChanges(current, changes) ? { customer: current } : undefined;
        },
        fields: NAMED_BY_ID,
        stale: () => staleAfter.customer(customerId),
      });
      ctx.loaders.customer.clear(customerId);
      return customer!;
    },
  }),
  deleteCustomer: t.field({
    type: 'ID',
    description: 'Deletes a customer profile (Square DeleteCustomer). Their cards, orders and payments stay with Square.',
    authScopes: { CUSTOMERS_WRITE: true },
    errors: mutationErrors('deleteCustomer', CUSTOMER_ERRORS, { name: 'deletedCustomerId', description: 'Square’s id of the deleted customer.' }),
    args: { input: t.arg({ type: DeleteCustomerInput, required: true, description: 'Which profile.' }) },
    resolve: async (_root, { input }, ctx) => {
      const customerId = idInput(input.id, 'Customer', 'input.id');
      await squareWrite(ctx, {
        send: () => ctx.square.customers.delete({ customerId, ...(input.version != null ? { version: input.version } : {}) }),
        // Sent again after it took effect, the delete would find no customer: gone is the outcome asked for.
        settle: async () => ((await retrieveCustomer(ctx, customerId)) ? undefined : {}),
        fields: NAMED_BY_ID,
        stale: () => staleAfter.customer(customerId),
      });
      ctx.loaders.customer.clear(customerId);
      return customerId;
    },
  }),
}));
