import type { serialization } from 'square';
import { liveObject } from './catalog.js';
import type { CatalogObject, EmulatorContext } from '../context.js';
import { errors } from '../errors.js';

type Order = serialization.Order.Raw;

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
