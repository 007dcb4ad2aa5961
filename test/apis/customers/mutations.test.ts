import { describe, expect, it } from 'vitest';
import { graphql } from '../../gql/index.js';
import { useGateway } from '../../support/gateway.js';

const stack = useGateway();

const CREATE = graphql(`mutation CustomersWriteCreate($input: CreateCustomerInput!) {
  createCustomer(input: $input) {
    __typename
    ... on CreateCustomerSuccess { customer { id squareId givenName emailAddress version } }
    ... on Error { message code }
    ... on ValidationError { field }
  }
}`);

describe('customer mutations', () => {
  it('creates, updates with optimistic version, and deletes a customer', async () => {
    const created = await stack.gql(CREATE, { input: { givenName: 'Ada', emailAddress: 'ada@example.com', idempotencyKey: 'create-ada' } });
    if (created.data?.createCustomer?.__typename !== 'CreateCustomerSuccess') throw new Error(JSON.stringify(created));
    const customer = created.data.createCustomer.customer;
    expect(customer).toMatchObject({ givenName: 'Ada', emailAddress: 'ada@example.com', version: '0' });

    const replay = await stack.gql(CREATE, { input: { givenName: 'Ada', emailAddress: 'ada@example.com', idempotencyKey: 'create-ada' } });
    expect(replay.data?.createCustomer).toMatchObject({ customer: { squareId: customer.squareId } });

    const UPDATE = graphql(`mutation CustomersWriteUpdate($input: UpdateCustomerInput!) { updateCustomer(input: $input) {
      __typename ... on UpdateCustomerSuccess { customer { familyName version } } ... on Error { code message } } }`);
    const updated = await stack.gql(UPDATE, { input: { id: customer.id, version: '0', familyName: 'Lovelace' } });
    expect(updated.data?.updateCustomer).toEqual({ __typename: 'UpdateCustomerSuccess', customer: { familyName: 'Lovelace', version: '1' } });
    const stale = await stack.gql(UPDATE, { input: { id: customer.id, version: '0', familyName: 'Byron' } });
    expect(stale.data?.updateCustomer).toMatchObject({ __typename: 'ConflictError', code: 'CONFLICT' });

    const DELETE = graphql(`mutation CustomersWriteDelete($input: DeleteCustomerInput!) { deleteCustomer(input: $input) {
      __typename ... on DeleteCustomerSuccess { deletedCustomerId } ... on Error { code } } }`);
    const deleted = await stack.gql(DELETE, { input: { id: customer.squareId } });
    expect(deleted.data?.deleteCustomer).toEqual({ __typename: 'DeleteCustomerSuccess', deletedCustomerId: customer.squareId });
    const again = await stack.gql(DELETE, { input: { id: customer.squareId } });
    expect(again.data?.deleteCustomer).toEqual({ __typename: 'NotFoundError', code: 'NOT_FOUND' });
  });

  it('refuses bad input with a ValidationError naming the field, before calling Square', async () => {
    await stack.clearCalls();
    const empty = await stack.gql(CREATE, { input: { note: 'no name at all', idempotencyKey: 'k1' } });
    expect(empty.data?.createCustomer).toMatchObject({ __typename: 'ValidationError', field: 'input.givenName' });
    const badEmail = await stack.gql(CREATE, { input: { givenName: 'X', emailAddress: 'not-an-email', idempotencyKey: 'k2' } });
    expect(badEmail.data?.createCustomer).toMatchObject({ __typename: 'ValidationError', field: 'input.emailAddress' });
    const longKey = await stack.gql(CREATE, { input: { givenName: 'X', idempotencyKey: 'k'.repeat(46) } });
    expect(longKey.data?.createCustomer).toMatchObject({ __typename: 'ValidationError', field: 'input.idempotencyKey', code: 'VALUE_TOO_LONG' });
    const emptyKey = await stack.gql(CREATE, { input: { givenName: 'X', idempotencyKey: '' } });
    expect(emptyKey.data?.createCustomer).toMatchObject({ __typename: 'ValidationError', field: 'input.idempotencyKey', code: 'VALUE_TOO_SHORT' });
    // Without a key a lost answer could not be retried without a second profile, so the key is required.
    // @ts-expect-error: the required idempotencyKey left out on purpose
    const noKey = await stack.gql(CREATE, { input: { givenName: 'X' } });
    expect(noKey.errors?.[0]?.message).toContain('idempotencyKey');
    const badId = await stack.gql(
      graphql(`mutation CustomersWriteDeleteBadId { deleteCustomer(input: { id: "not an id!" }) { __typename ... on ValidationError { field } } }`),
    );
    expect(badId.data?.deleteCustomer).toEqual({ __typename: 'ValidationError', field: 'input.id' });
    expect(await stack.calls()).toEqual([]);
  });

  it('passes Square’s own refusals through as ValidationError with the input field', async () => {
    const result = await stack.gql(CREATE, { input: { givenName: 'X', phoneNumber: '12', idempotencyKey: 'bad-phone' } });
    expect(result.data?.createCustomer).toMatchObject({ __typename: 'ValidationError', field: 'input.phoneNumber', code: 'INVALID_PHONE_NUMBER' });
  });
});
