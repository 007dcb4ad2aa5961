import type { serialization } from 'square';
import { now, type EmulatorContext } from '../context.js';
import { clock } from '../plumbing/clock.js';
import { errors } from '../plumbing/errors.js';
import { newId } from '../plumbing/ids.js';
import { paginate } from '../plumbing/pagination.js';
import { findProgram } from './loyalty.js';

type Promotion = serialization.LoyaltyPromotion.Raw;

/** ListLoyaltyPromotions: 1–30 a page, 30 unless told. */
export const PROMOTIONS_PAGE = { max: 30, default: 30 };

/** Square's limit: a program holds at most 10 promotions ACTIVE or SCHEDULED. */
const MAX_LIVE = 10;
const LIVE: ReadonlyArray<Promotion['status']> = ['ACTIVE', 'SCHEDULED'];

/** `20220816T160000` → `2022-08-16` */
const dateOf = (stamp: string) => `${stamp.slice(0, 4)}-${stamp.slice(4, 6)}-${stamp.slice(6, 8)}`;

/**
 * A time period as Square keeps it: an iCalendar VEVENT of DTSTART (local time) and DURATION, with an
 * optional RRULE whose UNTIL ends the promotion. BEGIN/END:VEVENT may be left out of a request and are
 * always in Square's answer.
 */
function readPeriod(text: string, field: string): { period: string; start: string; until?: string } {
  const lines = text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l && l !== 'BEGIN:VEVENT' && l !== 'END:VEVENT');
  const value = (name: string) => lines.find((l) => l.startsWith(`${name}:`))?.slice(name.length + 1);
  const unknown = lines.find((l) => !/^(DTSTART|DURATION|RRULE):/.test(l));
  if (unknown) throw errors.invalidValue(field, `Only DTSTART, DURATION and RRULE are supported: ${unknown}`);
  const start = value('DTSTART');
  if (!start || !/^\d{8}T\d{6}$/.test(start)) throw errors.invalidValue(field, 'DTSTART is required, in local time: 20220816T160000.');
  if (!/^P(T(\d+H)?(\d+M)?|\d+D)$/.test(value('DURATION') ?? '')) throw errors.invalidValue(field, 'DURATION is required: PT2H, for example.');
  const until = /UNTIL=(\d{8})/.exec(value('RRULE') ?? '')?.[1];
  return { period: ['BEGIN:VEVENT', ...lines, 'END:VEVENT'].join('\n'), start: dateOf(start), ...(until ? { until: dateOf(until) } : {}) };
}

/** The promotion's status today: SCHEDULED before its start date, ENDED after its end date; CANCELED stays. */
function withStatus(promotion: Promotion): Promotion {
  if (promotion.status === 'CANCELED') return promotion;
  const today = clock.now().toISOString().slice(0, 10);
  const { start_date, end_date } = promotion.available_time;
  const status = end_date && end_date < today ? 'ENDED' : start_date && start_date > today ? 'SCHEDULED' : 'ACTIVE';
  return { ...promotion, status };
}

function requireCatalog(ctx: EmulatorContext, merchantId: string, ids: string[] | null | undefined, type: string, field: string): void {
  (ids ?? []).forEach((id, i) => {
    const object = ctx.stores.catalogObjects.get(merchantId, id);
    if (object?.type !== type || object.is_deleted) throw errors.invalidValue(`${field}[${i}]`, `${id} does not name a ${type} in the catalog.`);
  });
}

/**
 * CreateLoyaltyPromotion: a promotion of the program, ACTIVE or SCHEDULED by its time periods. The
 * incentive's data must match its type; qualifying items or categories (not both) must be in the catalog.
 */
export function createPromotion(ctx: EmulatorContext, merchantId: string, programId: string, input: Promotion): Promotion {
  const program = findProgram(ctx, merchantId, programId);
  const { incentive } = input;
  if (incentive.type === 'POINTS_MULTIPLIER' && !incentive.points_multiplier_data)
    throw errors.missing('loyalty_promotion.incentive.points_multiplier_data');
  if (incentive.type === 'POINTS_ADDITION' && !incentive.points_addition_data)
    throw errors.missing('loyalty_promotion.incentive.points_addition_data');
  if (input.qualifying_item_variation_ids?.length && input.qualifying_category_ids?.length)
    throw errors.invalidValue('loyalty_promotion.qualifying_category_ids', 'A promotion qualifies items or categories, not both.');
  requireCatalog(ctx, merchantId, input.qualifying_item_variation_ids, 'ITEM_VARIATION', 'loyalty_promotion.qualifying_item_variation_ids');
  requireCatalog(ctx, merchantId, input.qualifying_category_ids, 'CATEGORY', 'loyalty_promotion.qualifying_category_ids');
  const periods = input.available_time.time_periods.map((p, i) => readPeriod(p, `loyalty_promotion.available_time.time_periods[${i}]`));
  const ends = periods.map((p) => p.until);
  const live = ctx.stores.loyaltyPromotions.all(merchantId).filter((s) => s.doc.loyalty_program_id === program.id && LIVE.includes(withStatus(s.doc).status));
  if (live.length >= MAX_LIVE) throw errors.invalid('BAD_REQUEST', `A loyalty program holds at most ${MAX_LIVE} ACTIVE or SCHEDULED promotions.`);
  const at = now();
  const promotion = withStatus({
    ...input,
    id: newId.loyalty('promotion'),
    loyalty_program_id: program.id!,
    available_time: {
      start_date: periods.map((p) => p.start).sort()[0]!,
      ...(ends.every((e) => e) ? { end_date: (ends as string[]).sort().at(-1)! } : {}),
      time_periods: periods.map((p) => p.period),
    },
    created_at: at,
    updated_at: at,
  });
  ctx.stores.loyaltyPromotions.insert(merchantId, promotion.id!, promotion);
  ctx.webhooks.emit({ merchantId, type: 'loyalty.promotion.created', id: promotion.id!, object: { loyalty_promotion: promotion } });
  return promotion;
}

/** A promotion of the program, with its status as of now. */
export function findPromotion(ctx: EmulatorContext, merchantId: string, programId: string, id: string): Promotion {
  const program = findProgram(ctx, merchantId, programId);
  const promotion = ctx.stores.loyaltyPromotions.get(merchantId, id);
  if (!promotion || promotion.loyalty_program_id !== program.id) throw errors.notFound(`Loyalty promotion with ID \`${id}\` not found.`, 'promotion_id');
  return withStatus(promotion);
}

/** ListLoyaltyPromotions: the program's promotions in the order they were made, of one status when asked, with their status as of now. */
export function listPromotions(
  ctx: EmulatorContext,
  merchantId: string,
  programId: string,
  query: { status?: Promotion['status']; cursor?: string; limit?: number },
) {
  const program = findProgram(ctx, merchantId, programId);
  const promotions = ctx.stores.loyaltyPromotions
    .all(merchantId)
    .filter((s) => s.doc.loyalty_program_id === program.id)
    .map((s) => ({ seq: s.seq, doc: withStatus(s.doc) }))
    .filter((s) => !query.status || s.doc.status === query.status);
  const found = paginate({ items: promotions, key: (s) => [s.seq], limit: query.limit ?? PROMOTIONS_PAGE.default, cursor: query.cursor, query: query.status });
  return {
    ...(found.items.length ? { loyalty_promotions: found.items.map((s) => s.doc) } : {}),
    ...(found.cursor ? { cursor: found.cursor } : {}),
  };
}

/** CancelLoyaltyPromotion: an ACTIVE or SCHEDULED promotion ends now, CANCELED. */
export function cancelPromotion(ctx: EmulatorContext, merchantId: string, programId: string, id: string): Promotion {
  const promotion = findPromotion(ctx, merchantId, programId, id);
  if (!LIVE.includes(promotion.status))
    throw errors.invalid('BAD_REQUEST', `Only an ACTIVE or SCHEDULED promotion can be canceled; this one is ${promotion.status}.`, 'promotion_id');
  const at = now();
  const canceled: Promotion = { ...promotion, status: 'CANCELED', canceled_at: at, updated_at: at };
  ctx.stores.loyaltyPromotions.put(merchantId, id, canceled);
  ctx.webhooks.emit({ merchantId, type: 'loyalty.promotion.updated', id, object: { loyalty_promotion: canceled } });
  return canceled;
}
