import {
  execute,
  getNamedType,
  GraphQLError,
  isLeafType,
  isObjectType,
  isRequiredArgument,
  Kind,
  parse,
  TypeInfo,
  validate,
  visit,
  visitWithTypeInfo,
  type DocumentNode,
  type ExecutionResult,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLSchema,
} from 'graphql';
import type { Scope } from '../apis/api.js';
import type { GatewayContext } from '../context/gateway-context.js';
import { builder, forbidden } from '../schema/builder.js';

/** Longest selection taken: far above any payload a partner needs. */
export const MAX_QUERY_LENGTH = 10_000;
/** The operation a payload's selection is run in: the live update's, so the object goes through the very resolvers a subscriber's does. */
const OPERATION = 'OutboundWebhook';

export class SelectionRefused extends Error {
  constructor(
    message: string,
    readonly code: 'INVALID_VALUE' | 'FORBIDDEN',
  ) {
    super(message);
  }
}

/**
 * The operation a payload is rendered with: the live update's field over the selection. The field's
 * required arguments (the id a subscriber watches) are only read when a subscriber subscribes, never
 * when an event is mapped to its result, so they are given a placeholder that only validation sees.
 */
export function operationText(schema: GraphQLSchema, fieldName: string, selection: string): string {
  const field = schema.getSubscriptionType()!.getFields()[fieldName]!;
  const required = field.args.filter(isRequiredArgument).map((arg) => `${arg.name}: "-"`);
  return `subscription ${OPERATION} { ${fieldName}${required.length > 0 ? `(${required.join(', ')})` : ''} ${selection} }`;
}

type ScopeMap = Parameters<typeof builder.runAuthScopes>[1];

interface PothosExtensions {
  pothosOptions?: { authScopes?: unknown; skipTypeScopes?: boolean; runScopesOnType?: boolean };
}

/** The scopes one field asks of the caller, as scope-auth reads them: its type's (unless it skips them), then its own. Functions are left to execution. */
function scopeMapsOf(parent: GraphQLNamedType, field: GraphQLField<unknown, unknown>): ScopeMap[] {
  const own = (field.extensions as PothosExtensions).pothosOptions;
  const type = (parent.extensions as PothosExtensions).pothosOptions;
  const maps: unknown[] = [];
  if (type?.authScopes && type.runScopesOnType !== false && !own?.skipTypeScopes) maps.push(type.authScopes);
  if (own?.authScopes) maps.push(own.authScopes);
  return maps.filter((map): map is ScopeMap => typeof map === 'object' && map !== null);
}

/** The scopes `document` reads that `scopes` lacks (none: the key may read all of it), checked as scope-auth checks a request. */
export async function missingScopes(schema: GraphQLSchema, document: DocumentNode, scopes: Record<Scope, boolean>): Promise<string[]> {
  const typeInfo = new TypeInfo(schema);
  const checks: ScopeMap[] = [];
  visit(
    document,
    visitWithTypeInfo(typeInfo, {
      Field() {
        const parent = typeInfo.getParentType();
        const field = typeInfo.getFieldDef();
        if (parent && field) checks.push(...scopeMapsOf(parent, field));
      },
    }),
  );
  const missing = new Set<string>();
  for (const check of checks) {
    try {
      // A context of its own each time: scope-auth caches its answers per context object.
      await builder.runAuthScopes({ scopes } as GatewayContext, check, (result) => forbidden(result.failure, result.message));
    } catch (error) {
      if (!(error instanceof GraphQLError)) throw error;
      for (const scope of (error.extensions.scopes as string[] | undefined) ?? []) missing.add(scope);
    }
  }
  return [...missing];
}

/**
 * The payload's default selection: every field of the live update's type that needs no argument
 * and holds a value (no object to select into), among those the key may read.
 */
export async function defaultSelection(schema: GraphQLSchema, fieldName: string, scopes: Record<Scope, boolean>): Promise<string> {
  const root = schema.getSubscriptionType()!.getFields()[fieldName]!;
  const type = getNamedType(root.type);
  if (!isObjectType(type)) throw new Error(`${fieldName} does not deliver an object`);
  const fields = Object.values(type.getFields()).filter((f) => !f.deprecationReason && !f.args.some(isRequiredArgument) && isLeafType(getNamedType(f.type)));
  const readable: string[] = [];
  for (const field of fields) {
    const document = parse(operationText(schema, fieldName, `{ ${field.name} }`));
    if ((await missingScopes(schema, document, scopes)).length === 0) readable.push(field.name);
  }
  return `{ ${readable.join(' ')} }`;
}

/**
 * The document a subscription's payloads are rendered with: its selection on the topic's live
 * update, refused unless it is one selection set that validates against the schema and reads
 * nothing the key's scopes do not grant.
 */
export async function selectionDocument(schema: GraphQLSchema, fieldName: string, query: string, scopes: Record<Scope, boolean>): Promise<DocumentNode> {
  const selection = query.trim();
  if (selection.length > MAX_QUERY_LENGTH) throw new SelectionRefused(`The query is longer than ${MAX_QUERY_LENGTH} characters.`, 'INVALID_VALUE');
  if (!selection.startsWith('{')) throw new SelectionRefused('The query must be a selection set on the topic’s object, e.g. "{ id status }".', 'INVALID_VALUE');
  let document: DocumentNode;
  try {
    document = parse(operationText(schema, fieldName, selection), { maxTokens: 5_000 });
  } catch (error) {
    throw new SelectionRefused(`The query does not parse: ${(error as GraphQLError).message}`, 'INVALID_VALUE');
  }
  const [operation, ...others] = document.definitions;
  const field = operation?.kind === Kind.OPERATION_DEFINITION ? operation.selectionSet.selections : [];
  if (others.length > 0 || field.length !== 1) throw new SelectionRefused('The query must be one selection set on the topic’s object, with no fragments defined beside it.', 'INVALID_VALUE');
  const errors = validate(schema, document);
  if (errors.length > 0) throw new SelectionRefused(`The query does not fit the topic’s object: ${errors.map((e) => e.message).join(' ')}`, 'INVALID_VALUE');
  const missing = await missingScopes(schema, document, scopes);
  if (missing.length > 0) throw new SelectionRefused(`This API key lacks the scope ${missing.join(' and ')} that the query reads.`, 'FORBIDDEN');
  return document;
}

/** The payload's data: the object through the selection, run as its live update's result with the caller's context (its scopes, its seller). */
export async function render(schema: GraphQLSchema, document: DocumentNode, ctx: GatewayContext, object: unknown, sequence: number): Promise<ExecutionResult> {
  // A subscription operation executed with its event as the root: graphql-js maps a live update's event to its result just so.
  return execute({ schema, document, rootValue: { object, sequence }, contextValue: ctx });
}
