import { randomUUID } from 'node:crypto';
import type { Square, SquareClient } from 'square';

/**
 * A storefront's catalog made straight through Square: `count` items in one category,
 * each with a Small and a Large variation (the Small tracked, with `stock` in stock at
 * the location), one image and a milk modifier list.
 */
export async function arrangeStorefront(square: SquareClient, locationId: string, count: number, stock = '12') {
  const objects: Square.CatalogObject[] = [
    { type: 'CATEGORY', id: '#shop', categoryData: { name: 'Shop' } },
    {
      type: 'MODIFIER_LIST',
      id: '#milk',
      modifierListData: { name: 'Milk', modifiers: [{ type: 'MODIFIER', id: '#oat', modifierData: { name: 'Oat', priceMoney: { amount: 75n, currency: 'USD' } } }] },
    },
  ];
  for (let i = 0; i < count; i++) {
    const name = `Item ${String(i).padStart(3, '0')}`;
    objects.push({ type: 'IMAGE', id: `#img${i}`, imageData: { name, url: `https://images.example.com/${i}.jpg` } });
    objects.push({
      type: 'ITEM',
      id: `#item${i}`,
      itemData: {
        name,
        categories: [{ id: '#shop' }],
        imageIds: [`#img${i}`],
        modifierListInfo: [{ modifierListId: '#milk' }],
        variations: [
          { type: 'ITEM_VARIATION', id: `#s${i}`, itemVariationData: { name: 'Small', priceMoney: { amount: BigInt(300 + i), currency: 'USD' }, trackInventory: true } },
          { type: 'ITEM_VARIATION', id: `#l${i}`, itemVariationData: { name: 'Large', priceMoney: { amount: BigInt(400 + i), currency: 'USD' } } },
        ],
      },
    });
  }
  const { idMappings } = await square.catalog.batchUpsert({ idempotencyKey: randomUUID(), batches: [{ objects }] });
  const ids = new Map(idMappings!.map((m) => [m.clientObjectId!, m.objectId!]));
  const occurredAt = new Date().toISOString();
  for (let start = 0; start < count; start += 100) {
    const changes: Square.InventoryChange[] = [];
    for (let i = start; i < Math.min(count, start + 100); i++)
      changes.push({ type: 'PHYSICAL_COUNT', physicalCount: { catalogObjectId: ids.get(`#s${i}`)!, state: 'IN_STOCK', locationId, quantity: stock, occurredAt } });
    await square.inventory.batchCreateChanges({ idempotencyKey: randomUUID(), changes });
  }
  return ids;
}
