import type { serialization } from 'square';
import type { ChangeKind } from '../domain/inventory.js';
import { SquareApiError, errors, type SquareErrorBody } from '../plumbing/errors.js';
import type { SquareVersion } from '../plumbing/square-version.js';
import { compact } from '../plumbing/validation.js';

/**
 * The Inventory API in each Square-Version the emulator answers in. The emulator takes and keeps changes
 * in the current shapes, the SDK's (2026-09-16): an adjustment moves a quantity from a state at a location
 * to a state at a location (`from_location_id`, `to_location_id`). Version 2025-08-20 had an adjustment
 * happen at one `location_id`, and a move between locations was a change of its own, `type: TRANSFER` with
 * a `transfer` (`state`, `from_location_id`, `to_location_id`), read by RetrieveInventoryTransfer. Each
 * version's shapes turn its requests into the current ones, and the current answers into its own.
 */
export interface InventoryShapes {
  /** A BatchChangeInventory body in the current shapes, and the name this version's request gives a field of it. */
  batchChange(body: unknown): { body: unknown; field(field: string): string };
  /** A BatchRetrieveInventoryChanges body in the current shapes, and the kinds of change its `types` ask for (every kind without). */
  changesQuery(body: unknown): { body: unknown; kinds: ChangeKind[] | undefined };
  /** A change as this version answers it. */
  change(change: Change): unknown;
  /** What RetrieveInventoryAdjustment finds. */
  adjustmentKinds: readonly ChangeKind[];
}

type Change = serialization.InventoryChange.Raw;
type Adjustment = serialization.InventoryAdjustment.Raw;

const isRecord = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);

/** The strings of a request's `types`, as sent; what is not a string is the schema's to refuse. */
const typesOf = (body: unknown): string[] | undefined =>
  isRecord(body) && Array.isArray(body.types) ? body.types.filter((t): t is string => typeof t === 'string') : undefined;

const current: InventoryShapes = {
  batchChange: (body) => ({ body, field: (field) => field }),
  // An ADJUSTMENT is any adjustment, a move between locations included.
  changesQuery: (body) => ({ body, kinds: typesOf(body)?.flatMap((type): ChangeKind[] => (type === 'ADJUSTMENT' ? ['ADJUSTMENT', 'TRANSFER'] : [type as ChangeKind])) }),
  change: (change) => change,
  adjustmentKinds: ['ADJUSTMENT', 'TRANSFER'],
};

/** InventoryTransfer's fields in 2025-08-20. */
const TRANSFER_FIELDS = [
  'id', 'reference_id', 'state', 'from_location_id', 'to_location_id', 'catalog_object_id', 'catalog_object_type',
  'quantity', 'occurred_at', 'created_at', 'source', 'employee_id', 'team_member_id',
] as const;

/** 2025-08-20's InventoryChangeType. */
const CHANGE_TYPES_2025 = ['PHYSICAL_COUNT', 'ADJUSTMENT', 'TRANSFER'] as const;

const unknownField = (field: string): SquareErrorBody => ({ category: 'INVALID_REQUEST_ERROR', code: 'UNKNOWN_BODY_PARAMETER', detail: `Unknown field: ${field}`, field });

/** A move between two locations as 2025-08-20 has it: a transfer, which keeps its state. */
export function transferOf(adjustment: Adjustment): Record<string, unknown> {
  const { from_state: state } = adjustment;
  const fields = Object.fromEntries(TRANSFER_FIELDS.map((name) => [name, name === 'state' ? state : adjustment[name as keyof Adjustment]]));
  return compact(fields);
}

/** One change of a 2025-08-20 BatchChangeInventory in the current shapes, with what it refuses of the current ones. */
function currentChange(change: Record<string, unknown>, at: string): { change: unknown; transfer: boolean; issues: SquareErrorBody[] } {
  const { transfer, ...rest } = change;
  if (change.type === 'TRANSFER') {
    if (transfer == null) return { change, transfer: false, issues: [errors.missing(`${at}.transfer`).errors[0]!] };
    if (!isRecord(transfer)) {
      return { change, transfer: false, issues: [{ category: 'INVALID_REQUEST_ERROR', code: 'EXPECTED_OBJECT', detail: `Expected object for ${at}.transfer`, field: `${at}.transfer` }] };
    }
    const issues = Object.keys(transfer)
      .filter((name) => !(TRANSFER_FIELDS as readonly string[]).includes(name))
      .map((name) => unknownField(`${at}.transfer.${name}`));
    const { state, ...moved } = transfer;
    return { change: { ...rest, type: 'ADJUSTMENT', adjustment: { ...moved, from_state: state, to_state: state } }, transfer: true, issues };
  }
  // A transfer beside another type of change is ignored, as the other types' details are.
  const adjustment = rest.adjustment;
  if (!isRecord(adjustment)) return { change: rest, transfer: false, issues: [] };
  const { location_id: locationId, ...others } = adjustment;
  const issues = ['from_location_id', 'to_location_id'].filter((name) => name in adjustment).map((name) => unknownField(`${at}.adjustment.${name}`));
  const located = locationId === undefined ? others : { ...others, from_location_id: locationId, to_location_id: locationId };
  return { change: { ...rest, adjustment: located }, transfer: false, issues };
}

/** A current field of a converted 2025-08-20 request, named as the request named it. */
function field2025(field: string, transfers: ReadonlySet<number>): string {
  const match = /^changes\[(\d+)\]\.adjustment(?:\.(\w+))?(.*)$/.exec(field);
  if (!match) return field;
  const [, index, name, rest] = match as unknown as [string, string, string | undefined, string];
  if (transfers.has(Number(index))) {
    const renamed = name === 'from_state' || name === 'to_state' ? 'state' : name;
    return `changes[${index}].transfer${renamed ? `.${renamed}` : ''}${rest}`;
  }
  return name === 'from_location_id' || name === 'to_location_id' ? `changes[${index}].adjustment.location_id${rest}` : field;
}

const v2025_08_20: InventoryShapes = {
  batchChange(body) {
    if (!isRecord(body) || !Array.isArray(body.changes)) return { body, field: (field) => field };
    const transfers = new Set<number>();
    const issues: SquareErrorBody[] = [];
    const changes = body.changes.map((change: unknown, i) => {
      if (!isRecord(change)) return change;
      const converted = currentChange(change, `changes[${i}]`);
      if (converted.transfer) transfers.add(i);
      issues.push(...converted.issues);
      return converted.change;
    });
    if (issues.length > 0) throw new SquareApiError(400, issues);
    return { body: { ...body, changes }, field: (field) => field2025(field, transfers) };
  },

  changesQuery(body) {
    const types = typesOf(body);
    if (!types || !isRecord(body)) return { body, kinds: undefined };
    const issues = (body.types as unknown[]).flatMap((type, i): SquareErrorBody[] =>
      typeof type === 'string' && !(CHANGE_TYPES_2025 as readonly string[]).includes(type)
        ? [{ category: 'INVALID_REQUEST_ERROR', code: 'INVALID_ENUM_VALUE', detail: `Field types[${i}] must be one of ${CHANGE_TYPES_2025.join(', ')}`, field: `types[${i}]` }]
        : [],
    );
    if (issues.length > 0) throw new SquareApiError(400, issues);
    // Each type stays at its index, so that the schema's errors name the value the caller sent.
    const current = (body.types as unknown[]).map((type) => (type === 'TRANSFER' ? 'ADJUSTMENT' : type));
    return { body: { ...body, types: current }, kinds: types as ChangeKind[] };
  },

  change(change) {
    const { adjustment, ...rest } = change;
    if (!adjustment) return change;
    const { from_location_id: from, to_location_id: to, ...others } = adjustment;
    if (from === to) return { ...rest, adjustment: { ...others, location_id: from } };
    return { ...rest, type: 'TRANSFER', transfer: transferOf(adjustment) };
  },

  adjustmentKinds: ['ADJUSTMENT'],
};

/** The Inventory API's shapes in each version the emulator answers in. */
export const INVENTORY_VERSIONS: Readonly<Record<SquareVersion, InventoryShapes>> = {
  '2025-08-20': v2025_08_20,
  '2026-09-16': current,
};
