import type { serialization } from 'square';
import type { CatalogObject, EmulatorContext } from '../context.js';
import { errors } from '../plumbing/errors.js';
import { paginate, type Page } from '../plumbing/pagination.js';
import { withoutNulls } from '../plumbing/validation.js';
import { CATALOG_LIMITS, allObjects, assemble, dataOf, liveObject, relatedObjects, TOP_LEVEL_TYPES } from './catalog.js';
import { inStock } from './inventory.js';
import { parseQuantity } from './quantities.js';

/** Square's pages: ListCatalog 100; SearchCatalogObjects 100 unless told (up to CatalogInfo's 1,000); SearchCatalogItems 100 at most, 100 unless told. */
const LIST_PAGE = 100;
const SEARCH_PAGE = 100;
export const ITEMS_PAGE = 100;

/** Square's `objects` and `related_objects`, each left out when empty. */
const withRelated = (objects: CatalogObject[], related: CatalogObject[]) => ({
  ...(objects.length ? { objects } : {}),
  ...(related.length ? { related_objects: related } : {}),
});

/** RetrieveCatalogObject, with the objects it refers to when asked. */
export function retrieveCatalogObject(ctx: EmulatorContext, merchantId: string, id: string, includeRelated: boolean | undefined) {
  const object = liveObject(ctx, merchantId, id);
  if (!object) throw errors.notFound(`Catalog object ${id} not found.`, 'object_id');
  const assembled = assemble(ctx, merchantId, object);
  const related = includeRelated ? relatedObjects(ctx, merchantId, [assembled]) : [];
  return { object: assembled, ...(related.length ? { related_objects: related } : {}) };
}

/** BatchRetrieveCatalogObjects: the ids found (a repeated id once), deleted ones only when asked. */
export function batchRetrieveCatalogObjects(
  ctx: EmulatorContext,
  merchantId: string,
  request: { object_ids: string[]; include_deleted_objects?: boolean | null; include_related_objects?: boolean | null },
) {
  const objects = [...new Set(request.object_ids)]
    .map((id) => ctx.stores.catalogObjects.get(merchantId, id))
    .filter((o): o is CatalogObject => !!o && (!o.is_deleted || !!request.include_deleted_objects))
    .map((o) => assemble(ctx, merchantId, o, !!request.include_deleted_objects));
  return withRelated(objects, request.include_related_objects ? relatedObjects(ctx, merchantId, objects) : []);
}

/** ListCatalog: objects of the given types (comma-separated; the top-level ones unless told), oldest first. */
export function listCatalog(ctx: EmulatorContext, merchantId: string, query: { types?: string; cursor?: string }) {
  const types = query.types ? query.types.split(',').map((t) => t.trim().toUpperCase()) : TOP_LEVEL_TYPES;
  const page = paginate({
    items: allObjects(ctx, merchantId).filter((s) => types.includes(s.doc.type)),
    key: (s) => [s.seq],
    limit: LIST_PAGE,
    cursor: query.cursor,
    query: types,
  });
  const objects = page.items.map((s) => assemble(ctx, merchantId, s.doc));
  return { ...(objects.length ? { objects } : {}), ...(page.cursor ? { cursor: page.cursor } : {}) };
}

/** SearchCatalogObjects' query: one expression at most, of the kinds the emulator answers. */
export interface CatalogQuery {
  exact_query?: { attribute_name: string; attribute_value: string } | undefined;
  set_query?: { attribute_name: string; attribute_values: string[] } | undefined;
  prefix_query?: { attribute_name: string; attribute_prefix: string } | undefined;
  text_query?: { keywords: string[] } | undefined;
  sorted_attribute_query?: { attribute_name: string; sort_order?: 'ASC' | 'DESC' | undefined } | undefined;
  items_for_tax_query?: { tax_ids: string[] } | undefined;
  items_for_modifier_list_query?: { modifier_list_ids: string[] } | undefined;
}

export interface ObjectSearch {
  object_types?: string[] | undefined;
  include_deleted_objects?: boolean | undefined;
  begin_time?: string | undefined;
  query?: CatalogQuery | undefined;
  limit: number;
  cursor?: string | undefined;
}

/** Attributes Square matches text queries against, per the object's data. */
const SEARCHABLE = ['name', 'description', 'abbreviation', 'sku', 'upc'];

function attribute(object: CatalogObject, name: string): string | undefined {
  const value = dataOf(object)?.[name];
  return typeof value === 'string' || typeof value === 'number' ? String(value) : undefined;
}

const lower = (s: string) => s.toLowerCase();

/** Square ignores keywords with fewer than three alphanumeric characters. */
function keywordsOf(keywords: string[]): string[] {
  return keywords.map(lower).filter((k) => k.replace(/[^a-z0-9]/g, '').length >= 3);
}

function matchesText(object: CatalogObject, keywords: string[]): boolean {
  const text = SEARCHABLE.map((a) => attribute(object, a) ?? '').join(' ').toLowerCase();
  return keywords.every((k) => text.includes(k));
}

function matchesQuery(object: CatalogObject, query: CatalogQuery | undefined): boolean {
  if (!query) return true;
  const { exact_query: exact, set_query: set, prefix_query: prefix, text_query: text } = query;
  if (exact) return lower(attribute(object, exact.attribute_name) ?? '') === lower(exact.attribute_value);
  if (set) return set.attribute_values.map(lower).includes(lower(attribute(object, set.attribute_name) ?? ''));
  if (prefix) return lower(attribute(object, prefix.attribute_name) ?? '').startsWith(lower(prefix.attribute_prefix));
  if (text) return matchesText(object, keywordsOf(text.keywords));
  const item = object.item_data;
  if (query.items_for_tax_query) return !!item && (item.tax_ids ?? []).some((id) => query.items_for_tax_query!.tax_ids.includes(id));
  if (query.items_for_modifier_list_query)
    return !!item && (item.modifier_list_info ?? []).some((m) => query.items_for_modifier_list_query!.modifier_list_ids.includes(m.modifier_list_id));
  return true;
}

/** The query expressions SearchCatalogObjects answers here; Square's others are refused rather than ignored. */
const EMULATED_QUERIES: ReadonlySet<string> = new Set<keyof CatalogQuery>([
  'exact_query',
  'set_query',
  'prefix_query',
  'text_query',
  'sorted_attribute_query',
  'items_for_tax_query',
  'items_for_modifier_list_query',
]);

/** SearchCatalogObjects, with the objects the ones found refer to when asked. */
export function searchCatalogObjects(ctx: EmulatorContext, merchantId: string, body: serialization.SearchCatalogObjectsRequest.Raw) {
  const query = body.query ? withoutNulls(body.query) : undefined;
  if (query && Object.keys(query).length > 1)
    throw errors.invalidValue('query', 'A catalog query takes one expression at most.');
  for (const expression of Object.keys(query ?? {}))
    if (!EMULATED_QUERIES.has(expression)) throw errors.invalidValue(`query.${expression}`, `The emulator does not answer ${expression}.`);
  // Square ignores a limit that is not positive or above the maximum.
  const limit = body.limit && body.limit > 0 && body.limit <= CATALOG_LIMITS.search_max_page_limit ? body.limit : SEARCH_PAGE;
  const found = searchObjects(ctx, merchantId, { ...withoutNulls(body), query: query as CatalogQuery | undefined, limit });
  return {
    ...withRelated(found.items, body.include_related_objects ? relatedObjects(ctx, merchantId, found.items) : []),
    ...(found.cursor ? { cursor: found.cursor } : {}),
    ...(found.latest_time ? { latest_time: found.latest_time } : {}),
  };
}

/** By type, update time and one query expression, keyset-paged. */
function searchObjects(ctx: EmulatorContext, merchantId: string, search: ObjectSearch): Page<CatalogObject> & { latest_time?: string } {
  const { limit, cursor, ...query } = search;
  const types = search.object_types ?? TOP_LEVEL_TYPES;
  const since = search.begin_time ? Date.parse(search.begin_time) : undefined;
  const q = search.query;
  // Item-scoped queries only ever find items.
  const itemsOnly = !!(q?.items_for_tax_query || q?.items_for_modifier_list_query);
  const items = allObjects(ctx, merchantId, search.include_deleted_objects).filter(
    ({ doc }) =>
      types.includes(doc.type) &&
      (!itemsOnly || doc.type === 'ITEM') &&
      (since === undefined || Date.parse(doc.updated_at!) > since) &&
      matchesQuery(doc, q),
  );
  const sorted = q?.sorted_attribute_query;
  const page = paginate({
    items,
    key: ({ seq, doc }) => (sorted ? [lower(attribute(doc, sorted.attribute_name) ?? ''), seq] : [seq]),
    order: sorted?.sort_order ?? 'ASC',
    limit,
    cursor,
    query,
  });
  const latest = items.reduce<string | undefined>((max, { doc }) => (!max || doc.updated_at! > max ? doc.updated_at! : max), undefined);
  return {
    ...page,
    items: page.items.map((s) => assemble(ctx, merchantId, s.doc, search.include_deleted_objects)),
    ...(latest ? { latest_time: latest } : {}),
  };
}

export interface ItemSearch {
  text_filter?: string | undefined;
  category_ids?: string[] | undefined;
  stock_levels?: Array<'OUT' | 'LOW'> | undefined;
  enabled_location_ids?: string[] | undefined;
  product_types?: string[] | undefined;
  archived_state?: 'ARCHIVED_STATE_NOT_ARCHIVED' | 'ARCHIVED_STATE_ARCHIVED' | 'ARCHIVED_STATE_ALL' | undefined;
  sort_order?: 'ASC' | 'DESC' | undefined;
  limit: number;
  cursor?: string | undefined;
}

/** Whether an object is sold at a location: everywhere but where it is absent, or only where it is present. */
export function presentAt(object: CatalogObject, locationId: string): boolean {
  return object.present_at_all_locations
    ? !(object.absent_at_location_ids ?? []).includes(locationId)
    : (object.present_at_location_ids ?? []).includes(locationId);
}

function categoryIds(item: CatalogObject): string[] {
  const data = item.item_data!;
  return [data.category_id, data.reporting_category?.id, ...(data.categories ?? []).map((c) => c.id)].filter((id): id is string => !!id);
}

/**
 * A tracked variation's stock level at the given locations: OUT at zero or below, LOW
 * under its alert threshold (Square's LOW_QUANTITY alert), otherwise none.
 */
function stockLevel(ctx: EmulatorContext, merchantId: string, variation: CatalogObject, locationIds?: string[]): 'OUT' | 'LOW' | undefined {
  const data = variation.item_variation_data!;
  if (!data.track_inventory) return undefined;
  const quantity = inStock(ctx, merchantId, variation.id, locationIds) ?? 0n;
  if (quantity <= 0n) return 'OUT';
  const threshold = data.inventory_alert_type === 'LOW_QUANTITY' ? data.inventory_alert_threshold : undefined;
  if (threshold != null && quantity < parseQuantity(String(threshold))!) return 'LOW';
  return undefined;
}

/**
 * SearchCatalogItems: items whose name, description or abbreviation (or a variation's
 * name, SKU or UPC) hold the text, in the categories, sold at the locations, of the
 * product types and stock levels asked for, sorted by name.
 */
function searchItems(ctx: EmulatorContext, merchantId: string, search: ItemSearch): Page<CatalogObject> & { matched_variation_ids: string[] } {
  const { limit, cursor, ...query } = search;
  const keywords = search.text_filter ? search.text_filter.toLowerCase().split(/\s+/).filter(Boolean) : [];
  const archived = search.archived_state ?? 'ARCHIVED_STATE_NOT_ARCHIVED';
  if (search.text_filter !== undefined && keywords.length === 0) throw errors.invalidValue('text_filter', 'The text filter is empty.');
  const matchedVariations = new Map<string, string[]>();
  const items = allObjects(ctx, merchantId).filter(({ doc }) => {
    if (doc.type !== 'ITEM') return false;
    const data = doc.item_data!;
    const variations = (assemble(ctx, merchantId, doc).item_data!.variations ?? []) as CatalogObject[];
    if (archived !== 'ARCHIVED_STATE_ALL' && !!data.is_archived !== (archived === 'ARCHIVED_STATE_ARCHIVED')) return false;
    if (search.category_ids && !categoryIds(doc).some((id) => search.category_ids!.includes(id))) return false;
    if (search.product_types && !search.product_types.includes(data.product_type ?? 'REGULAR')) return false;
    if (search.enabled_location_ids && !search.enabled_location_ids.some((l) => presentAt(doc, l))) return false;
    if (keywords.length > 0 && !matchesText(doc, keywords) && !variations.some((v) => matchesText(v, keywords))) return false;
    if (search.stock_levels) {
      const low = variations.filter((v) => search.stock_levels!.includes(stockLevel(ctx, merchantId, v, search.enabled_location_ids)!));
      if (low.length === 0) return false;
      matchedVariations.set(doc.id, low.map((v) => v.id));
    }
    return true;
  });
  const page = paginate({
    items,
    key: ({ seq, doc }) => [lower(doc.item_data!.name ?? ''), seq],
    order: search.sort_order ?? 'ASC',
    limit,
    cursor,
    query,
  });
  return {
    ...page,
    items: page.items.map((s) => assemble(ctx, merchantId, s.doc)),
    matched_variation_ids: page.items.flatMap((s) => matchedVariations.get(s.doc.id) ?? []),
  };
}

/** SearchCatalogItems; a filter the emulator cannot apply is refused rather than ignored, as SearchCatalogObjects' query expressions are. */
export function searchCatalogItems(ctx: EmulatorContext, merchantId: string, body: serialization.SearchCatalogItemsRequest.Raw) {
  if (body.custom_attribute_filters?.length)
    throw errors.invalidValue('custom_attribute_filters', 'The emulator does not filter by custom attributes.');
  const found = searchItems(ctx, merchantId, { ...withoutNulls(body), limit: body.limit ?? ITEMS_PAGE });
  return {
    ...(found.items.length ? { items: found.items } : {}),
    ...(found.cursor ? { cursor: found.cursor } : {}),
    ...(found.matched_variation_ids.length ? { matched_variation_ids: found.matched_variation_ids } : {}),
  };
}
