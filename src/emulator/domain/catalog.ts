import type { serialization } from 'square';
import { now, type CatalogObject, type EmulatorContext } from '../context.js';
import { clock } from '../plumbing/clock.js';
import { errors } from '../plumbing/errors.js';
import { newId, seeding } from '../plumbing/ids.js';
import { isDecimal } from './quantities.js';

/**
 * Catalog API domain: objects, their versions, upserts with `#temporary` ids and nested
 * children, deletes and related objects (reads and searches are in catalog-reads.ts). Objects
 * are stored flat: an item's variations and a modifier list's modifiers are objects of their
 * own, nested again when read.
 */

/** The kinds of catalog object the emulator keeps (Square has more: pricing rules, item options, ...). */
export const CATALOG_TYPES = ['ITEM', 'ITEM_VARIATION', 'CATEGORY', 'IMAGE', 'TAX', 'DISCOUNT', 'MODIFIER_LIST', 'MODIFIER'] as const;
export type CatalogType = (typeof CATALOG_TYPES)[number];

/** Types that exist only inside a parent; listing and searching leave them out unless asked for. */
const NESTED_TYPES: readonly string[] = ['ITEM_VARIATION', 'MODIFIER'];
export const TOP_LEVEL_TYPES = CATALOG_TYPES.filter((t) => !NESTED_TYPES.includes(t));

/** Square's published limits (CatalogInfo). */
export const CATALOG_LIMITS = {
  batch_upsert_max_objects_per_batch: 1000,
  batch_upsert_max_total_objects: 10000,
  batch_retrieve_max_object_ids: 1000,
  search_max_page_limit: 1000,
  batch_delete_max_object_ids: 200,
  update_item_taxes_max_item_ids: 1000,
  update_item_taxes_max_taxes_to_enable: 1000,
  update_item_taxes_max_taxes_to_disable: 1000,
  update_item_modifier_lists_max_item_ids: 1000,
  update_item_modifier_lists_max_modifier_lists_to_enable: 1000,
  update_item_modifier_lists_max_modifier_lists_to_disable: 1000,
};

/** The field of an object's type-specific data: ITEM_VARIATION → item_variation_data. */
export function dataField(type: string): keyof CatalogObject {
  return `${type.toLowerCase()}_data` as keyof CatalogObject;
}

/** The data of an object, whatever its type. */
export function dataOf(object: CatalogObject): Record<string, unknown> | undefined {
  return object[dataField(object.type)] as Record<string, unknown> | undefined;
}

interface Nesting {
  childType: CatalogType;
  list: 'variations' | 'modifiers';
  parentField: 'item_id' | 'modifier_list_id';
}

/** Parents and the children Square nests in them. */
const NESTING: Partial<Record<string, Nesting>> = {
  ITEM: { childType: 'ITEM_VARIATION', list: 'variations', parentField: 'item_id' },
  MODIFIER_LIST: { childType: 'MODIFIER', list: 'modifiers', parentField: 'modifier_list_id' },
};

const PARENT_OF: Partial<Record<string, { parentType: string; parentField: Nesting['parentField'] }>> = {
  ITEM_VARIATION: { parentType: 'ITEM', parentField: 'item_id' },
  MODIFIER: { parentType: 'MODIFIER_LIST', parentField: 'modifier_list_id' },
};

function parentId(object: CatalogObject): string | undefined {
  const parent = PARENT_OF[object.type];
  return parent && (dataOf(object)?.[parent.parentField] as string | undefined);
}

/** The ids an object refers to, with the type each must have. */
function references(object: CatalogObject): Array<{ id: string; type: string; field: string }> {
  const refs: Array<{ id: string; type: string; field: string }> = [];
  const add = (id: string | null | undefined, type: string, field: string) => {
    if (id) refs.push({ id, type, field });
  };
  const item = object.item_data;
  if (item) {
    add(item.category_id, 'CATEGORY', 'item_data.category_id');
    (item.categories ?? []).forEach((c, i) => add(c.id, 'CATEGORY', `item_data.categories[${i}].id`));
    add(item.reporting_category?.id, 'CATEGORY', 'item_data.reporting_category.id');
    (item.tax_ids ?? []).forEach((id, i) => add(id, 'TAX', `item_data.tax_ids[${i}]`));
    (item.modifier_list_info ?? []).forEach((m, i) => add(m.modifier_list_id, 'MODIFIER_LIST', `item_data.modifier_list_info[${i}].modifier_list_id`));
  }
  add(object.item_variation_data?.item_id, 'ITEM', 'item_variation_data.item_id');
  add(object.modifier_data?.modifier_list_id, 'MODIFIER_LIST', 'modifier_data.modifier_list_id');
  const images = (dataOf(object)?.image_ids as string[] | undefined) ?? [];
  images.forEach((id, i) => add(id, 'IMAGE', `${String(dataField(object.type))}.image_ids[${i}]`));
  return refs;
}

/** A live (not deleted) object of the merchant, or undefined. */
export function liveObject(ctx: EmulatorContext, merchantId: string, id: string): CatalogObject | undefined {
  const object = ctx.stores.catalogObjects.get(merchantId, id);
  return object && !object.is_deleted ? object : undefined;
}

/** Every object of the merchant in insertion order, deleted ones only when asked. */
export function allObjects(ctx: EmulatorContext, merchantId: string, includeDeleted = false): Array<{ seq: number; doc: CatalogObject }> {
  return ctx.stores.catalogObjects.all(merchantId).filter((s) => includeDeleted || !s.doc.is_deleted);
}

function childrenOf(ctx: EmulatorContext, merchantId: string, parent: CatalogObject, includeDeleted: boolean): CatalogObject[] {
  const nesting = NESTING[parent.type];
  if (!nesting) return [];
  const ordinal = (o: CatalogObject) => Number(dataOf(o)?.ordinal ?? 0);
  return allObjects(ctx, merchantId, includeDeleted)
    .filter((s) => s.doc.type === nesting.childType && parentId(s.doc) === parent.id)
    .map((s) => s.doc)
    .sort((a, b) => ordinal(a) - ordinal(b));
}

/** An object as Square returns it: an item with its variations, a modifier list with its modifiers. */
export function assemble(ctx: EmulatorContext, merchantId: string, object: CatalogObject, includeDeleted = false): CatalogObject {
  const nesting = NESTING[object.type];
  if (!nesting) return object;
  const field = dataField(object.type);
  const children = childrenOf(ctx, merchantId, object, includeDeleted && !!object.is_deleted);
  const data = { ...(object[field] as Record<string, unknown>) };
  if (children.length > 0) data[nesting.list] = children;
  return { ...object, [field]: data };
}

/**
 * The objects the given ones refer to (categories, taxes, modifier lists, images, a
 * variation's item) that are not among them, as Square's `related_objects`.
 */
export function relatedObjects(ctx: EmulatorContext, merchantId: string, objects: CatalogObject[]): CatalogObject[] {
  const given = new Set(objects.map((o) => o.id));
  const related = new Map<string, CatalogObject>();
  const visit = (object: CatalogObject) => {
    for (const ref of references(object)) {
      if (given.has(ref.id) || related.has(ref.id)) continue;
      const found = liveObject(ctx, merchantId, ref.id);
      if (found) related.set(ref.id, assemble(ctx, merchantId, found));
    }
  };
  for (const object of objects) {
    visit(object);
    for (const child of (dataOf(object)?.variations as CatalogObject[] | undefined) ?? []) visit(child);
  }
  return [...related.values()];
}

/** The instant the demo catalog is versioned at, so that the seed makes the same versions at every start. */
const DEMO_CATALOG_MS = Date.UTC(2025, 0, 1);

/**
 * The merchant's next catalog version. Square's are the time of the change in milliseconds
 * (1604352990016 for an object updated at 2020-11-02T21:36:30.016Z); two changes within one
 * millisecond, or a frozen clock, still get increasing versions.
 */
function nextVersion(ctx: EmulatorContext, merchantId: string): number {
  const latest = ctx.stores.catalogObjects.all(merchantId).reduce((max, s) => Math.max(max, Number(s.doc.version ?? 0)), 0);
  return Math.max(seeding() ? DEMO_CATALOG_MS : clock.nowMs(), latest + 1);
}

function announce(ctx: EmulatorContext, merchantId: string, updatedAt: string): void {
  ctx.webhooks.emit({
    merchantId,
    type: 'catalog.version.updated',
    id: '',
    dataType: 'catalog_version',
    object: { catalog_version: { updated_at: updatedAt } },
  });
}

const invalid = (field: string, detail: string) => errors.invalidValue(field, detail);

/** Checks what Square checks of each kind of object's own data. */
function validateData(object: CatalogObject, field: string): void {
  switch (object.type) {
    case 'ITEM_VARIATION': {
      const data = object.item_variation_data!;
      const pricing = data.pricing_type ?? (data.price_money ? 'FIXED_PRICING' : 'VARIABLE_PRICING');
      if (pricing === 'FIXED_PRICING' && !data.price_money) throw errors.missing(`${field}.item_variation_data.price_money`);
      data.pricing_type = pricing;
      return;
    }
    case 'TAX': {
      const percentage = object.tax_data!.percentage;
      if (percentage != null && !isDecimal(percentage))
        throw invalid(`${field}.tax_data.percentage`, `Invalid percentage: ${percentage}`);
      return;
    }
    case 'DISCOUNT': {
      const data = object.discount_data!;
      if (!data.discount_type) throw errors.missing(`${field}.discount_data.discount_type`);
      if (data.discount_type === 'FIXED_PERCENTAGE' && (data.percentage == null || !isDecimal(data.percentage)))
        throw invalid(`${field}.discount_data.percentage`, 'A FIXED_PERCENTAGE discount needs a percentage such as "10".');
      if (data.discount_type === 'FIXED_AMOUNT' && !data.amount_money)
        throw errors.missing(`${field}.discount_data.amount_money`);
      return;
    }
    default:
      return;
  }
}

/** Replaces every `#temporary` id of `mapping` found anywhere in `value`. */
function mapIds<T>(value: T, mapping: Map<string, string>): T {
  if (typeof value === 'string') return (mapping.get(value) ?? value) as T;
  if (Array.isArray(value)) return value.map((v) => mapIds(v, mapping)) as T;
  if (value !== null && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, mapIds(v, mapping)])) as T;
  return value;
}

export interface UpsertResult {
  objects: CatalogObject[];
  id_mappings: Array<{ client_object_id: string; object_id: string }>;
  updated_at: string;
}

/**
 * Inserts or updates objects in one catalog version. New objects carry an id starting
 * with `#`, replaced by a generated one everywhere in the request (`id_mappings`);
 * updates may name the version they read and are refused with VERSION_MISMATCH when it
 * is no longer the latest. An item's variations (a modifier list's modifiers) are
 * upserted with it, get their parent's id, and any it had that the request leaves out
 * are deleted, as Square does.
 */
export function upsertObjects(ctx: EmulatorContext, merchantId: string, input: Array<{ object: CatalogObject; field: string }>): UpsertResult {
  // Children become objects of their own, pointing at their parent.
  const flat: Array<{ object: CatalogObject; field: string; topLevel: boolean }> = [];
  const childIdsOf = new Map<string, string[]>();
  for (const { object, field } of input) {
    // Square's schema takes every kind of object; those the emulator does not keep are refused by name, not ignored.
    if (!(CATALOG_TYPES as readonly string[]).includes(object.type))
      throw invalid(`${field}.type`, `${object.type} objects are not emulated; the emulator keeps ${CATALOG_TYPES.join(', ')}.`);
    flat.push({ object, field, topLevel: true });
    const nesting = NESTING[object.type];
    const data = dataOf(object);
    const children = data?.[nesting?.list ?? ''] as CatalogObject[] | undefined;
    if (!nesting || !children) continue;
    childIdsOf.set(object.id, children.map((c) => c.id));
    children.forEach((child, i) => {
      const at = `${field}.${String(dataField(object.type))}.${nesting.list}[${i}]`;
      if (child.type !== nesting.childType) throw invalid(`${at}.type`, `Expected ${nesting.childType}.`);
      const childData = dataOf(child) ?? {};
      flat.push({ object: { ...child, [dataField(child.type)]: { ...childData, [nesting.parentField]: object.id } }, field: at, topLevel: false });
    });
  }

  const mapping = new Map<string, string>();
  const seen = new Set<string>();
  for (const { object, field } of flat) {
    if (seen.has(object.id)) throw invalid(`${field}.id`, `The id ${object.id} appears more than once in the request.`);
    seen.add(object.id);
    if (object.id.startsWith('#')) mapping.set(object.id, newId.catalogObject());
  }

  const at = now();
  const version = nextVersion(ctx, merchantId);
  const saved = new Map<string, CatalogObject>();
  const pending = new Map(flat.map((f) => [mapIds(f.object.id, mapping), f]));
  const typeOf = (id: string) => {
    const p = pending.get(id);
    return p ? p.object.type : liveObject(ctx, merchantId, id)?.type;
  };

  for (const { object: raw, field, topLevel } of flat) {
    const object = mapIds(raw, mapping);
    const existing = ctx.stores.catalogObjects.get(merchantId, object.id);
    if (!raw.id.startsWith('#')) {
      if (!existing || existing.is_deleted)
        throw errors.notFound(`Object ${raw.id} not found; a new object takes an id starting with #.`, `${field}.id`);
      if (existing.type !== object.type)
        throw invalid(`${field}.type`, `Object ${object.id} is a ${existing.type}; its type cannot change.`);
      if (object.version != null && Number(object.version) !== Number(existing.version))
        throw errors.staleCatalogVersion(
          `Object version ${object.version} does not match the latest version ${existing.version} of ${object.id}.`,
          `${field}.version`,
        );
    }
    if (!dataOf(object)) throw errors.missing(`${field}.${String(dataField(object.type))}`);
    validateData(object, field);
    for (const ref of references(object)) {
      const type = typeOf(ref.id);
      if (type !== ref.type)
        throw invalid(`${field}.${ref.field}`, `${ref.id} does not name a ${ref.type} in this catalog.`);
    }
    const nesting = NESTING[object.type];
    const data = { ...dataOf(object) };
    if (nesting) delete data[nesting.list];
    const stored: CatalogObject = {
      ...object,
      [dataField(object.type)]: data,
      version,
      created_at: existing?.created_at ?? at,
      updated_at: at,
      is_deleted: false,
      present_at_all_locations: object.present_at_all_locations ?? true,
    };
    if (existing) ctx.stores.catalogObjects.put(merchantId, stored.id, stored);
    else ctx.stores.catalogObjects.insert(merchantId, stored.id, stored);
    if (topLevel) saved.set(stored.id, stored);
  }

  // Children an upserted parent no longer lists are deleted with it.
  for (const [parent, childIds] of childIdsOf) {
    const parentObject = ctx.stores.catalogObjects.get(merchantId, mapIds(parent, mapping))!;
    const kept = new Set(childIds.map((id) => mapIds(id, mapping)));
    for (const child of childrenOf(ctx, merchantId, parentObject, false))
      if (!kept.has(child.id)) markDeleted(ctx, merchantId, child, version, at);
  }

  announce(ctx, merchantId, at);
  return {
    objects: [...saved.values()].map((o) => assemble(ctx, merchantId, o)),
    id_mappings: [...mapping].map(([client, id]) => ({ client_object_id: client, object_id: id })),
    updated_at: at,
  };
}

/** UpsertCatalogObject: one object (an item with its variations, …) in a new version. */
export function upsertCatalogObject(ctx: EmulatorContext, merchantId: string, object: CatalogObject) {
  const upserted = upsertObjects(ctx, merchantId, [{ object, field: 'object' }]);
  return { catalog_object: upserted.objects[0], ...(upserted.id_mappings.length ? { id_mappings: upserted.id_mappings } : {}) };
}

/** BatchUpsertCatalogObjects: every batch's objects in one version, all landing together. */
export function batchUpsertCatalogObjects(ctx: EmulatorContext, merchantId: string, batches: CatalogObject[][]) {
  const input = batches.flatMap((objects, i) => objects.map((object, j) => ({ object, field: `batches[${i}].objects[${j}]` })));
  const upserted = upsertObjects(ctx, merchantId, input);
  return {
    objects: upserted.objects,
    updated_at: upserted.updated_at,
    ...(upserted.id_mappings.length ? { id_mappings: upserted.id_mappings } : {}),
  };
}

function markDeleted(ctx: EmulatorContext, merchantId: string, object: CatalogObject, version: number, at: string): void {
  ctx.stores.catalogObjects.put(merchantId, object.id, { ...object, is_deleted: true, version, updated_at: at });
}

/**
 * Deletes objects and what depends on them (an item's variations, a modifier list's
 * modifiers). Unknown and already deleted ids are passed over. Deleted objects are kept
 * with `is_deleted`, as searches with `include_deleted_objects` still find them.
 */
function deleteObjects(ctx: EmulatorContext, merchantId: string, ids: string[]): { deleted_object_ids: string[]; deleted_at: string } {
  const at = now();
  const version = nextVersion(ctx, merchantId);
  const deleted: string[] = [];
  for (const id of new Set(ids)) {
    const object = liveObject(ctx, merchantId, id);
    if (!object) continue;
    for (const child of childrenOf(ctx, merchantId, object, false)) {
      markDeleted(ctx, merchantId, child, version, at);
      deleted.push(child.id);
    }
    markDeleted(ctx, merchantId, object, version, at);
    deleted.push(object.id);
  }
  if (deleted.length > 0) announce(ctx, merchantId, at);
  return { deleted_object_ids: deleted, deleted_at: at };
}

/** DeleteCatalogObject: a live object, with what depends on it. */
export function deleteCatalogObject(ctx: EmulatorContext, merchantId: string, id: string) {
  if (!liveObject(ctx, merchantId, id)) throw errors.notFound(`Catalog object ${id} not found.`, 'object_id');
  return deleteObjects(ctx, merchantId, [id]);
}

/** BatchDeleteCatalogObjects: the live objects among `ids`; an answer that deleted none leaves out `deleted_object_ids`. */
export function batchDeleteCatalogObjects(ctx: EmulatorContext, merchantId: string, ids: string[]) {
  const deleted = deleteObjects(ctx, merchantId, ids);
  return deleted.deleted_object_ids.length ? deleted : { deleted_at: deleted.deleted_at };
}

/** The items an UpdateItemTaxes or UpdateItemModifierLists call names, each a live ITEM or a 404 at its place. */
function requireItems(ctx: EmulatorContext, merchantId: string, ids: string[]): CatalogObject[] {
  return [...new Set(ids)].map((id) => {
    const item = liveObject(ctx, merchantId, id);
    if (item?.type !== 'ITEM') throw errors.notFound(`Item ${id} not found.`, `item_ids[${ids.indexOf(id)}]`);
    return item;
  });
}

/** The ids of the given list after enabling and disabling: what is enabled stays or is added, what is disabled goes. */
const toggled = (ids: readonly string[], enable: readonly string[], disable: readonly string[]) =>
  [...new Set([...ids, ...enable])].filter((id) => !disable.includes(id));

/** The items, changed by `change`, upserted in one version as Square's UpdateItem* calls do; their variations stay. */
function updateItems(ctx: EmulatorContext, merchantId: string, items: CatalogObject[], change: (data: serialization.CatalogItem.Raw) => serialization.CatalogItem.Raw) {
  const input = items.map((item, i) => ({ object: { ...item, item_data: change({ ...item.item_data }) }, field: `item_ids[${i}]` }));
  return { updated_at: upsertObjects(ctx, merchantId, input).updated_at };
}

/**
 * UpdateItemTaxes: enables and disables taxes on items without sending the items whole. A tax both
 * enabled and disabled ends disabled. Every id must name a live tax of the catalog.
 */
export function updateItemTaxes(
  ctx: EmulatorContext,
  merchantId: string,
  request: { item_ids: string[]; taxes_to_enable?: string[] | null; taxes_to_disable?: string[] | null },
): { updated_at: string } {
  const enable = request.taxes_to_enable ?? [];
  const disable = request.taxes_to_disable ?? [];
  if (enable.length + disable.length === 0) throw errors.missing('taxes_to_enable');
  requireOfType(ctx, merchantId, 'TAX', { taxes_to_enable: enable, taxes_to_disable: disable });
  return updateItems(ctx, merchantId, requireItems(ctx, merchantId, request.item_ids), (data) => ({
    ...data,
    tax_ids: toggled(data.tax_ids ?? [], enable, disable),
  }));
}

/**
 * UpdateItemModifierLists: enables modifier lists on items (adding them where the item lacks them) and
 * disables them (keeping the item's settings for the list, with `enabled: false`).
 */
export function updateItemModifierLists(
  ctx: EmulatorContext,
  merchantId: string,
  request: { item_ids: string[]; modifier_lists_to_enable?: string[] | null; modifier_lists_to_disable?: string[] | null },
): { updated_at: string } {
  const enable = request.modifier_lists_to_enable ?? [];
  const disable = request.modifier_lists_to_disable ?? [];
  if (enable.length + disable.length === 0) throw errors.missing('modifier_lists_to_enable');
  requireOfType(ctx, merchantId, 'MODIFIER_LIST', { modifier_lists_to_enable: enable, modifier_lists_to_disable: disable });
  return updateItems(ctx, merchantId, requireItems(ctx, merchantId, request.item_ids), (data) => {
    const infos = data.modifier_list_info ?? [];
    const listed = new Set(infos.map((info) => info.modifier_list_id));
    const added = enable.filter((id) => !listed.has(id)).map((id) => ({ modifier_list_id: id }));
    const modifier_list_info = [...infos, ...added]
      .filter((info) => listed.has(info.modifier_list_id) || !disable.includes(info.modifier_list_id))
      .map((info) => {
        if (disable.includes(info.modifier_list_id)) return { ...info, enabled: false };
        return enable.includes(info.modifier_list_id) ? { ...info, enabled: true } : info;
      });
    return { ...data, modifier_list_info };
  });
}

/** Each id of each named list must be a live object of `type`; the first that is not is refused at its place. */
function requireOfType(ctx: EmulatorContext, merchantId: string, type: string, lists: Record<string, string[]>): void {
  for (const [field, ids] of Object.entries(lists))
    ids.forEach((id, i) => {
      if (liveObject(ctx, merchantId, id)?.type !== type) throw invalid(`${field}[${i}]`, `${id} does not name a ${type} in this catalog.`);
    });
}

/**
 * CreateCatalogImage: a new IMAGE object for an uploaded file at `url`, attached to `object_id` when given — first
 * among its images when `is_primary`, last otherwise (Square's default since 2021-12-15) — in one version.
 */
export function createCatalogImage(
  ctx: EmulatorContext,
  merchantId: string,
  request: { image: CatalogObject; object_id?: string | null; is_primary?: boolean | null },
  url: string,
): CatalogObject {
  const { image } = request;
  if (image.type !== 'IMAGE') throw invalid('image.type', 'A catalog image is an IMAGE object.');
  if (!image.id.startsWith('#')) throw invalid('image.id', 'A new image takes a temporary id starting with #.');
  const input: Array<{ object: CatalogObject; field: string }> = [{ object: { ...image, image_data: { ...image.image_data, url } }, field: 'image' }];
  if (request.object_id) {
    const target = liveObject(ctx, merchantId, request.object_id);
    if (!target) throw errors.notFound(`Catalog object ${request.object_id} not found.`, 'object_id');
    const data = dataOf(target) ?? {};
    const imageIds = (data.image_ids as string[] | undefined) ?? [];
    const attached = request.is_primary ? [image.id, ...imageIds] : [...imageIds, image.id];
    input.push({ object: { ...target, [dataField(target.type)]: { ...data, image_ids: attached } }, field: 'object_id' });
  }
  return upsertObjects(ctx, merchantId, input).objects[0]!;
}

/** UpdateCatalogImage: the image's file replaced by a new upload, at a new version. */
export function updateCatalogImage(ctx: EmulatorContext, merchantId: string, imageId: string, url: string): CatalogObject {
  const image = liveObject(ctx, merchantId, imageId);
  if (image?.type !== 'IMAGE') throw errors.notFound(`Catalog image ${imageId} not found.`, 'image_id');
  return upsertObjects(ctx, merchantId, [{ object: { ...image, image_data: { ...image.image_data, url } }, field: 'image_id' }]).objects[0]!;
}
