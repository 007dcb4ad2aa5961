import {
  getNamedType,
  isInterfaceType,
  isObjectType,
  Kind,
  parse,
  specifiedRules,
  validate,
  type ArgumentNode,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLError,
  type GraphQLCompositeType,
  type GraphQLNamedType,
  type GraphQLObjectType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionNode,
  type SelectionSetNode,
} from 'graphql';
import { MAX_PAGE } from '../schema/connections.js';

/** Shopify's bounds on a bulk query: at most five connections, nested at most two deep below the first. */
const MAX_CONNECTIONS = 5;
const MAX_NESTING = 2;
/** Tokens a bulk query may hold, as any document sent to the gateway (src/gateway/server.ts). */
const MAX_TOKENS = 5_000;

/** Why a bulk query is refused before it starts, in the graph's codes; `query` is the input it is about. */
export interface BulkQueryProblem {
  code: 'GRAPHQL_PARSE_FAILED' | 'GRAPHQL_VALIDATION_FAILED' | 'NOT_A_QUERY' | 'NOTHING_PAGINATED' | 'UNSUPPORTED_SELECTION';
  message: string;
}

/** A connection of the query, as the page documents read it. */
export interface ConnectionPlan {
  /** The connection field as the page documents select it: whole pages, the rest of its arguments as written. */
  field: FieldNode;
  /** The type holding it: Query for the root, a Node type (whose id is its lines' `__parentId`) for a nested one. */
  holder: string;
}

/**
 * A bulk query made ready to run page after page: its root page's document, and how to read
 * further pages of a nested connection through its holder (`node(id:)`). The documents carry
 * no fragments (spreads are inlined) and select every connection whole (`first` the largest
 * page, `pageInfo` added); the holder of each nested connection selects its `id`.
 */
export interface BulkPlan {
  /** With `$after` on the root connection; without variables for a root object. */
  root: DocumentNode;
  rootKind: 'connection' | 'object';
  /** The root field's response key, and its selection (a connection's node, or the object). */
  rootKey: string;
  rootSelection: SelectionSetNode;
  /** Each connection of the page documents by its field node, as numbered in `connections`. */
  indexOf: ReadonlyMap<FieldNode, number>;
  connections: readonly ConnectionPlan[];
  /** The document reading connection `index` of one holder (`$id`) after `$after`. */
  followUp(index: number): DocumentNode;
}

const isConnection = (type: GraphQLNamedType): type is GraphQLObjectType =>
  isObjectType(type) && type.name.endsWith('Connection') && 'edges' in type.getFields() && 'pageInfo' in type.getFields();

const implementsNode = (type: GraphQLCompositeType) =>
  (isObjectType(type) || isInterfaceType(type)) && (type.name === 'Node' || type.getInterfaces().some((i) => i.name === 'Node'));

const name = (value: string) => ({ kind: Kind.NAME, value }) as const;
const field = (fieldName: string, selections?: readonly SelectionNode[], args: readonly ArgumentNode[] = []): FieldNode => ({
  kind: Kind.FIELD,
  name: name(fieldName),
  arguments: args,
  ...(selections ? { selectionSet: { kind: Kind.SELECTION_SET, selections } } : {}),
});
const variable = (variableName: string) => ({ kind: Kind.VARIABLE, name: name(variableName) }) as const;
const argument = (argName: string, value: ArgumentNode['value']): ArgumentNode => ({ kind: Kind.ARGUMENT, name: name(argName), value });
const PAGING_ARGUMENTS = new Set(['first', 'after', 'last', 'before']);

class Refused extends Error {
  constructor(readonly problem: BulkQueryProblem) {
    super(problem.message);
  }
}

const refuse = (code: BulkQueryProblem['code'], message: string): never => {
  throw new Refused({ code, message });
};

/**
 * Checks a bulk query and plans its pages, or says why it cannot run: it must be one read
 * (`query`) of one root field, a connection or an object holding one, written with its
 * values inline (no variables); @defer and @stream are unknown to the schema it is checked
 * against (yoga's plugin adds them to the served one), so refused there. Every connection selects
 * `edges { node { … } }`, and one nested in another is held by a Node, whose id its lines
 * name as their `__parentId`.
 */
export function planBulkQuery(schema: GraphQLSchema, query: string): BulkPlan | { problem: BulkQueryProblem } {
  let document: DocumentNode;
  try {
    document = parse(query, { maxTokens: MAX_TOKENS });
  } catch (error) {
    return { problem: { code: 'GRAPHQL_PARSE_FAILED', message: (error as GraphQLError).message } };
  }
  const invalid = validate(schema, document, specifiedRules);
  if (invalid.length > 0) return { problem: { code: 'GRAPHQL_VALIDATION_FAILED', message: invalid.map((e) => e.message).join(' ') } };
  try {
    return plan(schema, document);
  } catch (error) {
    if (error instanceof Refused) return { problem: error.problem };
    throw error;
  }
}

function plan(schema: GraphQLSchema, document: DocumentNode): BulkPlan {
  const operations = document.definitions.filter((d) => d.kind === Kind.OPERATION_DEFINITION);
  if (operations.length !== 1) refuse('NOT_A_QUERY', 'A bulk query is one operation.');
  const operation = operations[0]!;
  if (operation.operation !== 'query') refuse('NOT_A_QUERY', `A bulk operation runs a query, not a ${operation.operation}.`);
  if ((operation.variableDefinitions?.length ?? 0) > 0) refuse('UNSUPPORTED_SELECTION', 'A bulk query takes no variables: write its values inline.');
  const fragments = new Map(
    document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((f) => [f.name.value, f]),
  );
  const queryType = schema.getQueryType()!;
  const roots = operation.selectionSet.selections.filter((s) => !(s.kind === Kind.FIELD && s.name.value === '__typename'));
  const rootNode = roots[0];
  if (roots.length !== 1 || rootNode?.kind !== Kind.FIELD) refuse('UNSUPPORTED_SELECTION', 'A bulk query selects one root field (a connection, or an object holding one), not a fragment.');
  const root = rootNode as FieldNode;
  if (root.name.value.startsWith('__')) refuse('NOT_A_QUERY', 'Introspection is not bulk data.');
  const rootType = getNamedType(queryType.getFields()[root.name.value]!.type);

  const connections: ConnectionPlan[] = [];
  const indexOf = new Map<FieldNode, number>();
  const rewriter = new Rewriter(schema, fragments, connections, indexOf);
  let rootField: FieldNode;
  let rootSelection: SelectionSetNode;
  if (isConnection(rootType)) {
    rootField = rewriter.connection(root, rootType, queryType, 0, true);
    rootSelection = nodeSelection(rootField);
  } else {
    if (!root.selectionSet || !(isObjectType(rootType) || isInterfaceType(rootType))) refuse('NOTHING_PAGINATED', 'A bulk query reads a connection, or an object holding one.');
    rootSelection = rewriter.selectionSet(root.selectionSet!, rootType as GraphQLCompositeType, 0);
    rootField = { ...root, selectionSet: rootSelection };
  }
  if (connections.length === 0) refuse('NOTHING_PAGINATED', 'A bulk query reads at least one connection (a field with edges and pageInfo): nothing here is paginated.');
  const rootKey = root.alias?.value ?? root.name.value;
  const rootKind = isConnection(rootType) ? 'connection' : 'object';
  const followUps = new Map<number, DocumentNode>();
  return {
    root: queryDocument([rootField], rootKind === 'connection' ? '($after: String)' : ''),
    rootKind,
    rootKey,
    rootSelection,
    indexOf,
    connections,
    followUp(index) {
      let followUp = followUps.get(index);
      if (!followUp) {
        const { field: connection, holder } = connections[index]!;
        const paged: FieldNode = { ...connection, arguments: [...(connection.arguments ?? []), argument('after', variable('after'))] };
        indexOf.set(paged, index);
        const onHolder = { kind: Kind.INLINE_FRAGMENT, typeCondition: { kind: Kind.NAMED_TYPE, name: name(holder) }, selectionSet: { kind: Kind.SELECTION_SET, selections: [paged] } } as const;
        followUp = queryDocument([field('node', [onHolder], [argument('id', variable('id'))])], '($id: ID!, $after: String)');
        followUps.set(index, followUp);
      }
      return followUp;
    },
  };
}

/** The node selection of a rewritten connection field. */
export function nodeSelection(connection: FieldNode): SelectionSetNode {
  const edges = connection.selectionSet!.selections[0] as FieldNode;
  return (edges.selectionSet!.selections[0] as FieldNode).selectionSet!;
}

/** A query of `selections` declaring `variables`, e.g. `($after: String)`. */
function queryDocument(selections: FieldNode[], variables: string): DocumentNode {
  const operation = parse(`query${variables} { __typename }`).definitions[0] as OperationDefinitionNode;
  return { kind: Kind.DOCUMENT, definitions: [{ ...operation, selectionSet: { kind: Kind.SELECTION_SET, selections } }] };
}

/** Rewrites the query's selections for page documents, numbering its connections as it meets them. */
class Rewriter {
  constructor(
    private readonly schema: GraphQLSchema,
    private readonly fragments: ReadonlyMap<string, FragmentDefinitionNode>,
    private readonly connections: ConnectionPlan[],
    private readonly indexOf: Map<FieldNode, number>,
  ) {}

  /** A connection field asking for whole pages (`$after` at the root), selecting its nodes as rewritten and its page info. */
  connection(node: FieldNode, type: GraphQLObjectType, holder: GraphQLCompositeType, depth: number, root: boolean): FieldNode {
    if (this.connections.length >= MAX_CONNECTIONS) refuse('UNSUPPORTED_SELECTION', `A bulk query reads at most ${MAX_CONNECTIONS} connections.`);
    if (depth > MAX_NESTING) refuse('UNSUPPORTED_SELECTION', `A bulk query nests connections at most ${MAX_NESTING} deep below the first.`);
    const where = `${holder.name}.${node.name.value}`;
    if (node.directives?.length) refuse('UNSUPPORTED_SELECTION', `Directives on a connection (${where}) are not taken in a bulk query.`);
    // Every `edges { node { … } }` of it, however many times and fragments it is selected in.
    const nodeSelections = this.fieldsOf(node.selectionSet)
      .filter((f) => f.name.value === 'edges')
      .flatMap((edges) => this.fieldsOf(edges.selectionSet).filter((f) => f.name.value === 'node'))
      .flatMap((nodeField) => nodeField.selectionSet?.selections ?? []);
    if (nodeSelections.length === 0) refuse('UNSUPPORTED_SELECTION', `Select ${where} as edges { node { … } }: its nodes are the lines.`);
    const index = this.connections.length;
    this.connections.push({ field: node, holder: holder.name });
    const nodes = this.selectionSet({ kind: Kind.SELECTION_SET, selections: nodeSelections }, this.nodeTypeOf(type), depth + 1);
    const args = [
      ...(node.arguments ?? []).filter((a) => !PAGING_ARGUMENTS.has(a.name.value)),
      argument('first', { kind: Kind.INT, value: String(MAX_PAGE) }),
      ...(root ? [argument('after', variable('after'))] : []),
    ];
    const rewritten: FieldNode = {
      ...node,
      arguments: args,
      selectionSet: {
        kind: Kind.SELECTION_SET,
        selections: [field('edges', [field('node', nodes.selections)]), field('pageInfo', [field('hasNextPage'), field('endCursor')])],
      },
    };
    this.connections[index] = { field: rewritten, holder: holder.name };
    this.indexOf.set(rewritten, index);
    return rewritten;
  }

  /** An object's selections with its fragments inlined, its connections rewritten, and its `id` when it holds one. */
  selectionSet(set: SelectionSetNode, type: GraphQLCompositeType, depth: number): SelectionSetNode {
    const selections: SelectionNode[] = [];
    let holds = false;
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) {
        const definition = 'getFields' in type ? type.getFields()[selection.name.value] : undefined;
        const fieldType = definition && getNamedType(definition.type);
        if (fieldType && isConnection(fieldType)) {
          if (!implementsNode(type)) refuse('UNSUPPORTED_SELECTION', `${type.name}.${selection.name.value} is a connection inside ${type.name}, which has no id to name its lines' parent by.`);
          holds = true;
          selections.push(this.connection(selection, fieldType, type, depth, false));
        } else if (selection.selectionSet && fieldType) {
          selections.push({ ...selection, selectionSet: this.selectionSet(selection.selectionSet, fieldType as GraphQLCompositeType, depth) });
        } else {
          selections.push(selection);
        }
        continue;
      }
      const fragment = selection.kind === Kind.INLINE_FRAGMENT ? selection : this.fragments.get(selection.name.value)!;
      const on = fragment.typeCondition ? (this.schema.getType(fragment.typeCondition.name.value) as GraphQLCompositeType) : type;
      selections.push({
        kind: Kind.INLINE_FRAGMENT,
        ...(fragment.typeCondition ? { typeCondition: fragment.typeCondition } : {}),
        ...(selection.directives?.length ? { directives: selection.directives } : {}),
        selectionSet: this.selectionSet(fragment.selectionSet, on, depth),
      });
    }
    if (holds) {
      const id = selections.find((s): s is FieldNode => s.kind === Kind.FIELD && (s.alias?.value ?? s.name.value) === 'id');
      if (id && (id.name.value !== 'id' || id.alias)) refuse('UNSUPPORTED_SELECTION', `${type.name} holds a connection, so its id is selected as id: the alias id is taken.`);
      if (!id) selections.unshift(field('id'));
    }
    return { kind: Kind.SELECTION_SET, selections };
  }

  private nodeTypeOf(connection: GraphQLObjectType): GraphQLCompositeType {
    const edge = getNamedType(connection.getFields().edges!.type) as GraphQLObjectType;
    return getNamedType(edge.getFields().node!.type) as GraphQLCompositeType;
  }

  /** The fields of a selection set, its fragments' included. */
  private fieldsOf(set: SelectionSetNode | undefined): FieldNode[] {
    if (!set) return [];
    return set.selections.flatMap((s) =>
      s.kind === Kind.FIELD ? [s] : this.fieldsOf(s.kind === Kind.INLINE_FRAGMENT ? s.selectionSet : this.fragments.get(s.name.value)?.selectionSet),
    );
  }
}
