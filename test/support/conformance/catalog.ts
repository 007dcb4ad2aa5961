import type { ResponseRoute } from './types.js';

export const catalogRoutes: ResponseRoute[] = [
  ['GET', '/v2/catalog/info', 'CatalogInfoResponse'],
  ['GET', '/v2/catalog/list', 'ListCatalogResponse'],
  ['POST', '/v2/catalog/object', 'UpsertCatalogObjectResponse'],
  ['GET', '/v2/catalog/object/:object_id', 'GetCatalogObjectResponse'],
  ['DELETE', '/v2/catalog/object/:object_id', 'DeleteCatalogObjectResponse'],
  ['POST', '/v2/catalog/batch-upsert', 'BatchUpsertCatalogObjectsResponse'],
  ['POST', '/v2/catalog/batch-retrieve', 'BatchGetCatalogObjectsResponse'],
  ['POST', '/v2/catalog/batch-delete', 'BatchDeleteCatalogObjectsResponse'],
  ['POST', '/v2/catalog/search', 'SearchCatalogObjectsResponse'],
  ['POST', '/v2/catalog/search-catalog-items', 'SearchCatalogItemsResponse'],
  ['POST', '/v2/catalog/update-item-taxes', 'UpdateItemTaxesResponse'],
  ['POST', '/v2/catalog/update-item-modifier-lists', 'UpdateItemModifierListsResponse'],
  ['POST', '/v2/catalog/images', 'CreateCatalogImageResponse'],
  ['PUT', '/v2/catalog/images/:image_id', 'UpdateCatalogImageResponse'],
];

/** The fixed paths come first: `:catalog_object_id` would match them too. */
export const inventoryRoutes: ResponseRoute[] = [
  ['POST', '/v2/inventory/changes/batch-create', 'BatchChangeInventoryResponse'],
  ['POST', '/v2/inventory/batch-change', 'BatchChangeInventoryResponse'],
  ['POST', '/v2/inventory/counts/batch-retrieve', 'BatchGetInventoryCountsResponse'],
  ['POST', '/v2/inventory/batch-retrieve-counts', 'BatchGetInventoryCountsResponse'],
  ['POST', '/v2/inventory/changes/batch-retrieve', 'BatchGetInventoryChangesResponse'],
  ['POST', '/v2/inventory/batch-retrieve-changes', 'BatchGetInventoryChangesResponse'],
  ['GET', '/v2/inventory/adjustments/:adjustment_id', 'GetInventoryAdjustmentResponse'],
  ['GET', '/v2/inventory/physical-counts/:physical_count_id', 'GetInventoryPhysicalCountResponse'],
  ['GET', '/v2/inventory/:catalog_object_id/changes', 'GetInventoryChangesResponse'],
  ['GET', '/v2/inventory/:catalog_object_id', 'GetInventoryCountResponse'],
];
