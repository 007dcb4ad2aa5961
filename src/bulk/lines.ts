import { Kind, type FieldNode, type SelectionSetNode } from 'graphql';
import { nodeSelection, type BulkPlan } from './plan.js';

/** A page of a nested connection still to read: connection `c` of the holder `id`, after `after`. */
export interface Pending {
  c: number;
  id: string;
  after: string | null;
}

type Json = Record<string, unknown>;

interface Connection {
  edges?: Array<{ node?: Json | null } | null> | null;
  pageInfo?: { hasNextPage?: boolean; endCursor?: string | null } | null;
}

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The lines of one page's result, Shopify's way: each node of a connection is a line of its
 * own (the root's plain, a nested one's with `__parentId`, its holder's id, as its last key),
 * lists and objects that are not connections stay inside their object's line, and a node's
 * line comes before the lines of the connections it holds. Nested connections with more
 * pages come back as pending reads of their holder.
 */
export class PageLines {
  /** The line objects, in order; those below a node are taken out of it before it is written. */
  readonly lines: Json[] = [];
  roots = 0;
  readonly pending: Pending[] = [];

  constructor(private readonly plan: BulkPlan) {}

  /** A page of the root connection; its page info. */
  rootPage(connection: Connection | null | undefined): { hasNextPage: boolean; endCursor: string | null } {
    for (const edge of connection?.edges ?? []) {
      if (!isObject(edge?.node)) continue;
      this.roots++;
      this.line(edge.node, this.plan.rootSelection);
    }
    return { hasNextPage: connection?.pageInfo?.hasNextPage === true, endCursor: connection?.pageInfo?.endCursor ?? null };
  }

  /** The root object, one line. */
  rootObject(object: unknown): void {
    if (!isObject(object)) return;
    this.roots++;
    this.line(object, this.plan.rootSelection);
  }

  /** A further page of connection `index` of the holder `holderId`. */
  followUp(index: number, holderId: string, connection: Connection | null | undefined): void {
    this.nested(this.plan.connections[index]!.field, index, holderId, connection);
  }

  /** The lines as the file holds them: one JSON text each, each ending in a newline. */
  text(): string {
    return this.lines.map((line) => `${JSON.stringify(line)}\n`).join('');
  }

  private line(node: Json, selection: SelectionSetNode, parentId?: string): void {
    this.lines.push(node);
    this.strip(node, selection);
    if (parentId !== undefined) node.__parentId = parentId;
  }

  /** Takes the connections out of `object` (and of the objects and lists inside it), writing their nodes as lines. */
  private strip(object: Json, selection: SelectionSetNode): void {
    for (const s of selection.selections) {
      if (s.kind !== Kind.FIELD) {
        if (s.kind === Kind.INLINE_FRAGMENT) this.strip(object, s.selectionSet);
        continue;
      }
      const key = s.alias?.value ?? s.name.value;
      const value = object[key];
      const index = this.plan.indexOf.get(s);
      if (index !== undefined) {
        delete object[key];
        this.nested(s, index, String(object.id), value as Connection | null);
      } else if (s.selectionSet) {
        for (const inner of Array.isArray(value) ? value.flat(Infinity) : [value]) if (isObject(inner)) this.strip(inner, s.selectionSet);
      }
    }
  }

  private nested(field: FieldNode, index: number, holderId: string, connection: Connection | null | undefined): void {
    if (!connection) return;
    const selection = nodeSelection(field);
    for (const edge of connection.edges ?? []) if (isObject(edge?.node)) this.line(edge.node, selection, holderId);
    const { hasNextPage, endCursor } = connection.pageInfo ?? {};
    if (hasNextPage) this.pending.push({ c: index, id: holderId, after: endCursor ?? null });
  }
}
