import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { EmulatorContext } from '../context.js';
import { settleElapsedDelays } from '../domain/delayed-capture.js';
import { requirePayment } from '../domain/order-payments.js';
import { clock } from '../plumbing/clock.js';
import { errors } from '../plumbing/errors.js';
import { parse } from '../plumbing/validation.js';

const move = z.object({
  frozen_at: z.iso.datetime({ offset: true }).optional(),
  offset_ms: z.number().int().min(0).optional(),
  advance_ms: z.number().int().min(0).optional(),
});

/**
 * `/_emulator/clock`: reads and moves the emulator's time (plumbing/clock.ts). Whatever came due
 * in the time skipped happens at once, as it would have at its time on Square: elapsed delayed
 * captures are settled, with their `payment.updated` webhooks.
 */
export function registerClockControl(app: FastifyInstance, ctx: EmulatorContext): void {
  const afterMove = () => {
    settleElapsedDelays(ctx, (merchantId, paymentId) => requirePayment(ctx, merchantId, paymentId));
    return clock.read();
  };

  app.get('/_emulator/clock', async () => clock.read());

  app.post('/_emulator/clock', async (request) => {
    const body = parse(move, request.body);
    const given = (['frozen_at', 'offset_ms', 'advance_ms'] as const).filter((field) => body[field] !== undefined);
    if (given.length !== 1) throw errors.badRequest('Give exactly one of frozen_at, offset_ms or advance_ms.');
    if (body.frozen_at !== undefined) clock.freeze(Date.parse(body.frozen_at));
    if (body.offset_ms !== undefined) clock.offset(body.offset_ms);
    if (body.advance_ms !== undefined) clock.advance(body.advance_ms);
    return afterMove();
  });

  app.delete('/_emulator/clock', async () => {
    clock.backToReal();
    return afterMove();
  });
}
