import type { FastifyInstance } from 'fastify';
import { serialization, type Square } from 'square';
import { z } from 'zod';
import type { EmulatorContext } from '../context.js';
import { cancelPaymentRecord, requirePayment } from '../domain/order-payments.js';
import { EXTERNAL_TYPES, cancelPaymentByIdempotencyKey, completePayment, createPayment, listPayments, updatePayment } from '../domain/payments.js';
import { parse, parseRequest, querySchema, shapes, type FieldRules } from '../plumbing/validation.js';
import type { Endpoints } from './endpoints.js';


/** What Square states for CreatePayment beyond the SDK's schema. */
const CREATE_RULES: FieldRules = {
  idempotency_key: { min: 1, max: 45 },
  source_id: { min: 1 },
  customer_id: { max: 191 },
  team_member_id: { max: 192 },
  reference_id: { max: 40 },
  buyer_email_address: { max: 255 },
  note: { max: 500 },
  statement_description_identifier: { max: 20 },
  delay_action: { oneOf: ['CANCEL', 'COMPLETE'] },
  'external_details.type': { oneOf: EXTERNAL_TYPES },
  'external_details.source': { max: 255 },
  'external_details.source_id': { max: 255 },
};

/** What Square states for UpdatePayment beyond the SDK's schema. */
const UPDATE_RULES: FieldRules = {
  idempotency_key: { min: 1, max: 45 },
  'payment.team_member_id': { max: 192 },
  'payment.delay_action': { oneOf: ['CANCEL', 'COMPLETE'] },
};

const CANCEL_RULES: FieldRules = { idempotency_key: { min: 1, max: 45 } };

const listSchema = querySchema<Square.ListPaymentsRequest>()({
  beginTime: z.string(),
  endTime: z.string(),
  sortOrder: z.enum(['ASC', 'DESC']),
  sortField: z.enum(['CREATED_AT', 'OFFLINE_CREATED_AT', 'UPDATED_AT']),
  cursor: z.string(),
  locationId: z.string(),
  total: shapes.queryBigInt,
  last4: z.string(),
  cardBrand: z.string(),
  limit: shapes.queryInt,
  isOfflinePayment: shapes.queryBool,
  offlineBeginTime: z.string(),
  offlineEndTime: z.string(),
  updatedAtBeginTime: z.string(),
  updatedAtEndTime: z.string(),
});

export const PAYMENT_ENDPOINTS: Endpoints = {
  'POST /payments': { response: 'CreatePaymentResponse', scopes: ['PAYMENTS_WRITE'] }, // CreatePayment
  'GET /payments': { response: 'ListPaymentsResponse', scopes: ['PAYMENTS_READ'] }, // ListPayments
  'GET /payments/:payment_id': { response: 'GetPaymentResponse', scopes: ['PAYMENTS_READ'] }, // GetPayment
  'PUT /payments/:payment_id': { response: 'UpdatePaymentResponse', scopes: ['PAYMENTS_WRITE'] }, // UpdatePayment
  'POST /payments/:payment_id/complete': { response: 'CompletePaymentResponse', scopes: ['PAYMENTS_WRITE'] }, // CompletePayment
  'POST /payments/:payment_id/cancel': { response: 'CancelPaymentResponse', scopes: ['PAYMENTS_WRITE'] }, // CancelPayment
  'POST /payments/cancel': { response: 'CancelPaymentByIdempotencyKeyResponse', scopes: ['PAYMENTS_WRITE'] }, // CancelPaymentByIdempotencyKey
};

/** Payments API: create (every sandbox source), get, list, update, complete, cancel, cancel by idempotency key. */
export function registerPayments(app: FastifyInstance, ctx: EmulatorContext): void {
  app.post('/payments', async (request, reply) => {
    const merchantId = request.merchant.id;
    const body = parseRequest(serialization.CreatePaymentRequest, request.body, CREATE_RULES);
    return ctx.idempotency.send(reply, { merchantId, endpoint: 'CreatePayment', key: body.idempotency_key, request: body }, () => ({
      payment: createPayment(ctx, merchantId, body),
    }));
  });

  app.get('/payments', async (request) => listPayments(ctx, request.merchant.id, parse(listSchema, request.query)));

  app.get<{ Params: { payment_id: string } }>('/payments/:payment_id', async (request) => ({
    payment: ctx.tx(() => requirePayment(ctx, request.merchant.id, request.params.payment_id)),
  }));

  app.put<{ Params: { payment_id: string } }>('/payments/:payment_id', async (request, reply) => {
    const merchantId = request.merchant.id;
    const paymentId = request.params.payment_id;
    const body = parseRequest(serialization.UpdatePaymentRequest, request.body, UPDATE_RULES);
    const scope = { merchantId, endpoint: 'UpdatePayment', key: body.idempotency_key, request: { paymentId, body } };
    return ctx.idempotency.send(reply, scope, () => ({ payment: updatePayment(ctx, merchantId, paymentId, body.payment ?? {}) }));
  });

  app.post<{ Params: { payment_id: string } }>('/payments/:payment_id/complete', async (request) => {
    const { version_token } = parseRequest(serialization.CompletePaymentRequest, request.body);
    return { payment: ctx.tx(() => completePayment(ctx, request.merchant.id, request.params.payment_id, version_token ?? undefined)) };
  });

  app.post<{ Params: { payment_id: string } }>('/payments/:payment_id/cancel', async (request) => ({
    payment: ctx.tx(() => cancelPaymentRecord(ctx, request.merchant.id, request.params.payment_id)),
  }));

  app.post('/payments/cancel', async (request) => {
    const { idempotency_key } = parseRequest(serialization.CancelPaymentByIdempotencyKeyRequest, request.body, CANCEL_RULES);
    ctx.tx(() => cancelPaymentByIdempotencyKey(ctx, request.merchant.id, idempotency_key));
    return {};
  });
}
