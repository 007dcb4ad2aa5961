import { print } from 'graphql';
import { describe, expect, it } from 'vitest';
import { CSRF_HEADER } from '../../src/gateway/csrf.js';
import { graphql } from '../gql/index.js';
import { key } from '../support/fixtures.js';
import { useGateway } from '../support/gateway.js';
import { CREATE_PAYMENT, usd } from '../support/payments.js';
import { subscribeSse } from '../support/sse.js';

const stack = useGateway();

const NONCE = 'cnon:card-nonce-ok-secret-7f3a9c';
const VERIFICATION_TOKEN = 'verf:secret-token-4b21e8';
const INT64_MAX = '9223372036854775807';

/** The response to a raw request, which no client library would send. */
async function raw(init: { method?: string; query?: string; body?: string; headers?: Record<string, string> }) {
  const response = await fetch(`${stack.url}${init.query ?? ''}`, {
    method: init.method ?? 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json', ...init.headers },
    body: init.body,
  });
  const text = await response.text();
  return { status: response.status, text, body: JSON.parse(text) as { errors?: Array<{ message: string; extensions?: Record<string, unknown> }> } };
}

const payment = (amountMoney: unknown, extra: Record<string, unknown> = {}) => ({
  input: { sourceId: NONCE, idempotencyKey: key(), amountMoney, ...extra },
});

describe('input the gateway refuses before anything runs', () => {
  it('refuses a list literal nested 2,000 deep as a parse failure, not a 500', async () => {
    const deep = '['.repeat(2_000) + ']'.repeat(2_000);
    const { status, body } = await raw({ body: JSON.stringify({ query: `{ nodes(ids: ${deep}) { id } }` }) });
    expect(status).toBe(400);
    expect(body.errors).toEqual([
      expect.objectContaining({ message: 'Syntax Error: Nesting limit of 64 exceeded.', extensions: { code: 'GRAPHQL_PARSE_FAILED' } }),
    ]);
  });

  it('answers GET with variables that are not JSON with 400 BAD_REQUEST, quoting nothing', async () => {
    const query = `?query=${encodeURIComponent('query($id: ID!) { node(id: $id) { id } }')}&variables=${encodeURIComponent(`{"id":"${NONCE}`)}`;
    const { status, text, body } = await raw({ method: 'GET', query, headers: { [CSRF_HEADER]: '1' } });
    expect(status).toBe(400);
    expect(body.errors).toEqual([{ message: 'The "variables" or "extensions" parameter is not valid JSON.', extensions: { code: 'BAD_REQUEST' } }]);
    expect(text).not.toContain(NONCE);
  });

  it('refuses a multipart body unparsed, since nothing here takes file uploads', async () => {
    const response = await fetch(stack.url, {
      method: 'POST',
      // With the CSRF header, which a form cannot send (a form's multipart body is refused 403 before this).
      headers: { 'content-type': 'multipart/form-data; boundary=x', [CSRF_HEADER]: '1' },
      body: `--x\r\ncontent-disposition: form-data; name="operations"\r\n\r\n{"query":"{ __typename }"}\r\n--x--\r\n`,
    });
    expect(response.status).toBe(415);
  });

  it('answers a POST body that is not JSON with 400 BAD_REQUEST, without the parser message that quotes it', async () => {
    const { status, text, body } = await raw({ body: `{"query":"mutation { x }","variables":{"nonce":"${NONCE}" ` });
    expect(status).toBe(400);
    expect(body.errors).toEqual([{ message: 'POST body sent invalid JSON.', extensions: { code: 'BAD_REQUEST' } }]);
    expect(text).not.toContain(NONCE);
  });
});

describe('errors that would quote the document or an argument', () => {
  it('keep a syntax error’s position but not the string literal it stopped at', async () => {
    const result = await stack.gql(`{ customer(id: "x" "${NONCE}") { id } }`);
    expect(result.errors).toEqual([
      expect.objectContaining({ message: 'Syntax Error: Expected Name, found String.', extensions: { code: 'GRAPHQL_PARSE_FAILED' } }),
    ]);
    expect(result.errors![0]!).toHaveProperty('locations', [{ line: 1, column: 20 }]);
  });

  it('mask a field error raised without a code, which may quote an argument', async () => {
    const result = await stack.gql(graphql(`query InputErrorsNodes($ids: [ID!]!) { nodes(ids: $ids) { id } }`), { ids: [NONCE] });
    for (const error of result.errors ?? []) expect(error.extensions?.code).toEqual(expect.any(String));
    expect(JSON.stringify(result.errors ?? [])).not.toContain(NONCE);
  });
});

describe('variable and inline value errors', () => {
  it('name the path and the expected form of a variable, with BAD_USER_INPUT, never quoting a nonce or token', async () => {
    await stack.clearCalls();
    const result = await stack.gql(CREATE_PAYMENT, payment(usd(100), { idempotencyKey: 5, verificationToken: { token: VERIFICATION_TOKEN } }));
    expect(result.errors).toEqual([
      expect.objectContaining({
        message: 'Variable "$input" got an invalid value at "input.idempotencyKey": Expected a String.',
        extensions: { code: 'BAD_USER_INPUT', field: 'input.idempotencyKey' },
      }),
      expect.objectContaining({
        message: 'Variable "$input" got an invalid value at "input.verificationToken": Expected a String.',
        extensions: { code: 'BAD_USER_INPUT', field: 'input.verificationToken' },
      }),
    ]);
    expect(JSON.stringify(result)).not.toContain(NONCE);
    expect(JSON.stringify(result)).not.toContain(VERIFICATION_TOKEN);
    expect(await stack.calls()).toEqual([]);
  });

  it('say that amounts are whole numbers in the smallest unit, for a variable and for an inline "12.50"', async () => {
    const variable = await stack.gql(CREATE_PAYMENT, payment(usd('12.50')));
    expect(variable.errors![0]).toMatchObject({
      message: expect.stringMatching(/^Variable "\$input" got an invalid value at "input\.amountMoney\.amount": Expected a BigInt: .*"1250" for \$12\.50\.$/),
      extensions: { code: 'BAD_USER_INPUT', field: 'input.amountMoney.amount' },
    });
    const inline = await stack.gql(
      `mutation { createPayment(input: { sourceId: "${NONCE}", idempotencyKey: "k", amountMoney: { amount: "12.50", currency: USD } }) { __typename } }`,
    );
    expect(inline.errors).toEqual([
      expect.objectContaining({
        message: expect.stringMatching(/^Invalid value at "input\.amountMoney\.amount": Expected a BigInt: .*"1250" for \$12\.50\.$/),
        locations: [expect.any(Object)],
        extensions: { code: 'BAD_USER_INPUT', field: 'input.amountMoney.amount' },
      }),
    ]);
  });

  it('word inline values of another type by their expected form, with the path through lists and objects', async () => {
    const result = await stack.gql(
      `mutation { createPayment(input: { sourceId: { nonce: "${NONCE}" }, idempotencyKey: "k", amountMoney: { amount: 1, currency: XYZ } }) { __typename } }`,
    );
    expect(result.errors!.map((e) => [e.message, e.extensions])).toEqual([
      ['Invalid value at "input.sourceId": Expected a String.', { code: 'BAD_USER_INPUT', field: 'input.sourceId' }],
      ['Invalid value at "input.amountMoney.currency": Expected a value of the Currency enum.', { code: 'BAD_USER_INPUT', field: 'input.amountMoney.currency' }],
    ]);
    expect(JSON.stringify(result)).not.toContain(NONCE);
    const list = await stack.gql(`{ nodes(ids: ["a", { id: "${NONCE}" }]) { id } }`);
    expect(list.errors![0]).toMatchObject({ message: 'Invalid value at "ids[1]": Expected an ID: a string (or an Int).' });
    expect(JSON.stringify(list)).not.toContain(NONCE);
  });

  it('are worded the same for a subscription, before it starts', async () => {
    const subscription = await subscribeSse(
      stack.url,
      print(graphql(`subscription InputErrorsCustomerUpdated($id: ID!) { customerUpdated(customerId: $id) { id } }`)),
      { id: { nonce: NONCE } },
    );
    const message = await subscription.next();
    subscription.close();
    expect(message.errors).toEqual([
      expect.objectContaining({
        message: 'Variable "$id" got an invalid value: Expected an ID: a string (or an Int).',
        extensions: { code: 'BAD_USER_INPUT', field: 'id' },
      }),
    ]);
    expect(JSON.stringify(message)).not.toContain(NONCE);
  });

  it('give a missing or null required variable BAD_USER_INPUT', async () => {
    const missing = await stack.gql(CREATE_PAYMENT, {});
    expect(missing.errors).toEqual([
      expect.objectContaining({
        message: 'Variable "$input" of required type "CreatePaymentInput!" was not provided.',
        extensions: { code: 'BAD_USER_INPUT', field: 'input' },
      }),
    ]);
    const missingField = await stack.gql(CREATE_PAYMENT, { input: { sourceId: NONCE, idempotencyKey: key() } });
    expect(missingField.errors![0]).toMatchObject({
      message: 'Variable "$input" got an invalid value: Field "amountMoney" of required type "MoneyInput!" was not provided.',
      extensions: { code: 'BAD_USER_INPUT', field: 'input' },
    });
  });
});

describe('amounts at and beyond int64', () => {
  it('takes the largest int64 amount through the gateway and Square, every digit kept', async () => {
    const result = await stack.gql(CREATE_PAYMENT, payment(usd(INT64_MAX), { sourceId: 'cnon:card-nonce-ok' }));
    expect(result.errors).toBeUndefined();
    expect(result.data.createPayment).toMatchObject({
      __typename: 'CreatePaymentSuccess',
      payment: { amountMoney: { amount: INT64_MAX, currency: 'USD' }, totalMoney: { amount: INT64_MAX } },
    });
    const squareId = result.data.createPayment.payment.squareId as string;
    expect((await stack.square().payments.get({ paymentId: squareId })).payment?.amountMoney?.amount).toBe(BigInt(INT64_MAX));
  });


  it('are refused by the gateway, inline or as variables, before any Square call', async () => {
    await stack.clearCalls();
    for (const amount of ['9223372036854775808', '-9223372036854775809', '123456789012345678901234567890']) {
      const result = await stack.gql(CREATE_PAYMENT, payment(usd(amount)));
      expect(result.errors![0]).toMatchObject({
        message: expect.stringContaining(`Expected a BigInt within 64 bits, from -9223372036854775808 to ${INT64_MAX}`),
        extensions: { code: 'BAD_USER_INPUT', field: 'input.amountMoney.amount' },
      });
    }
    const inline = await stack.gql(
      `mutation { createPayment(input: { sourceId: "${NONCE}", idempotencyKey: "k", amountMoney: { amount: 9223372036854775808, currency: USD } }) { __typename } }`,
    );
    expect(inline.errors![0]!.extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'input.amountMoney.amount' });
    // A JSON number past 2^53 has already lost digits when it arrives, so only strings carry such amounts.
    const unsafe = await stack.gql(CREATE_PAYMENT, payment({ amount: 2 ** 60, currency: 'USD' }));
    expect(unsafe.errors![0]!.extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'input.amountMoney.amount' });
    expect(await stack.calls()).toEqual([]);
  });
});
