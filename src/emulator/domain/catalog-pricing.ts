import type { serialization } from 'square';
import type { CatalogObject, EmulatorContext } from '../context.js';
import { errors } from '../plumbing/errors.js';
import { newId } from '../plumbing/ids.js';
import { presentAt } from './catalog-reads.js';
import { allObjects, liveObject } from './catalog.js';

type Order = serialization.Order.Raw;
type LineItem = serialization.OrderLineItem.Raw;

export function catalogNotFound(id: string, field: string, kind: string) {
  return errors.notFound(`${kind} with catalog object ID \`${id}\` not found.`, field);
}

/**
 * What an order takes from the catalog before it is priced: a line item named by
 * `catalog_object_id` gets its item's and variation's names and the variation's price
 * (a price given in the request wins, as it must for variable pricing), a modifier its
 * name and price, and an order-level tax or discount its rate, amount and type. Fields
 * once filled stay, so repricing a stored order never follows later catalog changes; each
 * reference is pinned to the `catalog_version` it was read at.
 */
export function catalogFiller(ctx: EmulatorContext, merchantId: string): (order: Order) => void {
  const find = (id: string, type: string, field: string, kind: string): CatalogObject => {
    const object = liveObject(ctx, merchantId, id);
    if (object?.type !== type) throw catalogNotFound(id, field, kind);
    return object;
  };
  return (order) => {
    (order.line_items ?? []).forEach((item, i) => {
      const path = `order.line_items[${i}]`;
      if (item.catalog_object_id) {
        const variation = find(item.catalog_object_id, 'ITEM_VARIATION', `${path}.catalog_object_id`, 'Item variation');
        const data = variation.item_variation_data!;
        const parent = liveObject(ctx, merchantId, data.item_id!);
        item.name ??= parent?.item_data?.name ?? undefined;
        item.variation_name ??= data.name ?? undefined;
        item.catalog_version ??= variation.version ?? undefined;
        if (data.price_money) item.base_price_money ??= data.price_money;
      }
      (item.modifiers ?? []).forEach((modifier, m) => {
        if (!modifier.catalog_object_id) return;
        const found = find(modifier.catalog_object_id, 'MODIFIER', `${path}.modifiers[${m}].catalog_object_id`, 'Modifier');
        modifier.name ??= found.modifier_data!.name ?? undefined;
        modifier.catalog_version ??= found.version ?? undefined;
        if (found.modifier_data!.price_money) modifier.base_price_money ??= found.modifier_data!.price_money;
      });
    });
    (order.taxes ?? []).forEach((tax, i) => {
      if (!tax.catalog_object_id) return;
      const found = find(tax.catalog_object_id, 'TAX', `order.taxes[${i}].catalog_object_id`, 'Tax');
      const data = found.tax_data!;
      tax.name ??= data.name ?? undefined;
      tax.percentage ??= data.percentage ?? undefined;
      tax.catalog_version ??= found.version ?? undefined;
      if (data.inclusion_type) tax.type ??= data.inclusion_type;
    });
    (order.discounts ?? []).forEach((discount, i) => {
      if (!discount.catalog_object_id) return;
      const found = find(discount.catalog_object_id, 'DISCOUNT', `order.discounts[${i}].catalog_object_id`, 'Discount');
      const data = found.discount_data!;
      discount.name ??= data.name ?? undefined;
      discount.type ??= data.discount_type ?? undefined;
      discount.catalog_version ??= found.version ?? undefined;
      if (data.percentage) discount.percentage ??= data.percentage;
      if (data.amount_money) discount.amount_money ??= data.amount_money;
    });
  };
}

/**
 * Square's `pricing_options.auto_apply_taxes` for the given line items of `order`: a line
 * naming a catalog variation gets its item's taxes (`tax_ids`), an ad hoc line every tax that
 * `applies_to_custom_amounts`; of those, the enabled ones present at the order's location and
 * not blocked by the line's `pricing_blocklists`. Each such tax joins `order.taxes` once, as a
 * LINE_ITEM tax marked `auto_applied` (its name and rate filled in by `catalogFiller`), and
 * the line references it. Taxes the request gives itself stay beside them: Square documents
 * that it keeps both, even when that taxes a line twice.
 */
export function autoApplyTaxes(ctx: EmulatorContext, merchantId: string, order: Order, lineItems: LineItem[]): void {
  const applies = (tax: CatalogObject | undefined): tax is CatalogObject =>
    tax?.type === 'TAX' && tax.tax_data?.enabled !== false && presentAt(tax, order.location_id);
  const customAmountTaxes = () =>
    allObjects(ctx, merchantId)
      .map((s) => s.doc)
      .filter((tax) => applies(tax) && tax.tax_data!.applies_to_custom_amounts === true);
  const taxesOf = (item: LineItem): CatalogObject[] => {
    // An unknown variation is left for catalogFiller to refuse with its field.
    if (!item.catalog_object_id) return customAmountTaxes();
    const variation = liveObject(ctx, merchantId, item.catalog_object_id);
    const itemId = variation?.type === 'ITEM_VARIATION' ? variation.item_variation_data?.item_id : undefined;
    const parent = itemId ? liveObject(ctx, merchantId, itemId) : undefined;
    return (parent?.item_data?.tax_ids ?? []).map((id) => liveObject(ctx, merchantId, id)).filter(applies);
  };
  for (const item of lineItems) {
    for (const catalogTax of taxesOf(item)) {
      let tax = (order.taxes ?? []).find((t) => t.auto_applied && t.catalog_object_id === catalogTax.id);
      const blocked = (item.pricing_blocklists?.blocked_taxes ?? []).some(
        (b) => b.tax_catalog_object_id === catalogTax.id || (tax && b.tax_uid === tax.uid),
      );
      if (blocked) continue;
      if (!tax) {
        tax = { uid: newId.uid(), catalog_object_id: catalogTax.id, scope: 'LINE_ITEM', auto_applied: true };
        (order.taxes ??= []).push(tax);
      }
      const applied = (item.applied_taxes ??= []);
      if (!applied.some((a) => a.tax_uid === tax.uid)) applied.push({ uid: newId.uid(), tax_uid: tax.uid! });
    }
  }
}

