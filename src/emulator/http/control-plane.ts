import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { EmulatorContext } from '../context.js';
import { mergeCustomers } from '../domain/customers.js';
import { chargebackBlock } from '../domain/gift-card-activities.js';
import { largeSeedRequest, seedLargeMerchant } from '../large-seed.js';
import { putProgram, type ProgramSettings } from '../domain/loyalty.js';
import { bearerToken } from '../plumbing/bearer-token.js';
import { errors } from '../plumbing/errors.js';
import { parse, shapes } from '../plumbing/validation.js';
import { registerClockControl } from './clock-control.js';
import { registerOAuthControl } from './oauth-control.js';

const webhookSettings = z.object({
  url: z.string().url().optional(),
  signature_key: z.string().min(1).optional(),
  retry_base_ms: z.number().int().min(1).optional(),
  max_attempts: z.number().int().min(1).max(100).optional(),
});

const taxMode = z.enum(['BEFORE_TAX', 'AFTER_TAX']);
const loyaltyProgramSettings = z.object({
  accrual_rules: z
    .array(
      z.object({
        accrual_type: z.enum(['VISIT', 'SPEND', 'ITEM_VARIATION', 'CATEGORY']),
        points: z.number().int().min(1),
        visit_data: z.object({ minimum_amount_money: shapes.money.optional(), tax_mode: taxMode }).optional(),
        spend_data: z.object({ amount_money: shapes.money, tax_mode: taxMode }).optional(),
        item_variation_data: z.object({ item_variation_id: z.string().min(1) }).optional(),
        category_data: z.object({ category_id: z.string().min(1) }).optional(),
      }),
    )
    .min(1),
  reward_tiers: z
    .array(
      z.object({
        name: z.string().min(1),
        points: z.number().int().min(1),
        pricing_rule_reference: z.object({ object_id: z.string().min(1), catalog_version: z.number().int().optional() }),
      }),
    )
    .min(1),
  terminology: z.object({ one: z.string().min(1), other: z.string().min(1) }).optional(),
  location_ids: z.array(z.string().min(1)).optional(),
  expiration_policy: z.object({ expiration_duration: z.string().min(1) }).optional(),
});

/** The merchant a control call acts for: the one its bearer token stands for, as in Square's API. */
function merchantOf(ctx: EmulatorContext, request: FastifyRequest): string {
  const token = bearerToken(request.headers.authorization);
  if (!token) throw errors.unauthorized();
  return ctx.merchantFor(token);
}

/**
 * The emulator's own control plane under `/_emulator/`: not Square's API, for tests and demos. `reset` is the
 * emulator's (server.ts), which wipes what lies beyond `ctx` too.
 */
export function registerControlPlane(app: FastifyInstance, ctx: EmulatorContext, reset: () => Promise<void>): void {
  app.get('/_emulator/requests', async () => ({ requests: ctx.requests.list() }));
  app.delete('/_emulator/requests', async () => {
    ctx.requests.clear();
    return {};
  });

  // Memory as the process sees it; `?gc=true` collects first when node runs with --expose-gc, so that
  // a benchmark measures what is retained rather than what the collector has not reached yet.
  app.get<{ Querystring: { gc?: string } }>('/_emulator/stats', async (request) => {
    const gc = (globalThis as { gc?: () => void }).gc;
    if (request.query.gc === 'true' && gc) gc();
    const memory = process.memoryUsage();
    return {
      rss_bytes: memory.rss,
      heap_used_bytes: memory.heapUsed,
      collected: request.query.gc === 'true' && Boolean(gc),
      requests_logged: ctx.requests.list().length,
      events_kept: ctx.webhooks.events().length,
    };
  });

  registerClockControl(app, ctx);
  registerOAuthControl(app, ctx);

  app.post('/_emulator/reset', async () => {
    await reset();
    return {};
  });

  app.get('/_emulator/faults', async () => ({ faults: ctx.faults.list() }));
  app.post('/_emulator/faults', async (request) => ({ fault: ctx.faults.add(request.body) }));
  app.delete('/_emulator/faults', async () => {
    ctx.faults.clear();
    return {};
  });

  app.get('/_emulator/rate-limit', async () => {
    const limit = ctx.rateLimits.settings;
    return { rate_limit: limit ? { rate_per_second: limit.ratePerSecond, burst: limit.burst } : null };
  });
  app.put('/_emulator/rate-limit', async (request) => {
    ctx.rateLimits.configure(request.body);
    return {};
  });
  app.delete('/_emulator/rate-limit', async () => {
    ctx.rateLimits.off();
    return {};
  });

  app.get('/_emulator/events', async () => ({ events: ctx.webhooks.events() }));
  app.delete('/_emulator/events', async () => {
    ctx.webhooks.clearEvents();
    return {};
  });
  app.get('/_emulator/webhooks', async () => {
    const { url, retryBaseMs, maxAttempts, signatureKey } = ctx.webhooks.settings;
    return { url: url ?? null, signature_key_set: Boolean(signatureKey), retry_base_ms: retryBaseMs, max_attempts: maxAttempts };
  });
  app.put('/_emulator/webhooks', async (request) => {
    const body = parse(webhookSettings, request.body);
    ctx.webhooks.configure({
      url: body.url,
      signatureKey: body.signature_key,
      retryBaseMs: body.retry_base_ms,
      maxAttempts: body.max_attempts,
    });
    return {};
  });

  app.post('/_emulator/customers/merge', async (request) => {
    const merchantId = merchantOf(ctx, request);
    const body = parse(z.object({ from_customer_ids: z.array(z.string().min(1)).min(2).max(100) }), request.body);
    return { customer: mergeCustomers(ctx, merchantId, body.from_customer_ids) };
  });

  // A large seller for benchmarks, made in seconds: customers with cards, gift cards, and orders paid by card.
  app.post('/_emulator/seed', async (request) => {
    const merchantId = merchantOf(ctx, request);
    const started = performance.now();
    const counts = await seedLargeMerchant(ctx, merchantId, parse(largeSeedRequest, request.body));
    return { merchant_id: merchantId, ...counts, ms: Math.round(performance.now() - started) };
  });

  // Square's loyalty programs are set up in the Seller Dashboard, never through the API.
  app.put('/_emulator/loyalty/program', async (request) => {
    const settings = parse(loyaltyProgramSettings, request.body);
    // Amounts past 2^53 stay bigints (plumbing/json.ts); the SDK's Raw types only say number.
    return { program: putProgram(ctx, merchantOf(ctx, request), settings as ProgramSettings) };
  });

  // What Square does to a gift card during a chargeback, which no API call can: BLOCK, then UNBLOCK.
  for (const [action, blocked] of [['block', true], ['unblock', false]] as const) {
    app.post<{ Params: { gift_card_id: string } }>(`/_emulator/gift-cards/:gift_card_id/${action}`, async (request) => ({
      gift_card: chargebackBlock(ctx, merchantOf(ctx, request), request.params.gift_card_id, blocked),
    }));
  }
}
