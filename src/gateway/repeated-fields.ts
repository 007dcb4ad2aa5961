import { GraphQLError, Kind, type DocumentNode, type FragmentDefinitionNode, type SelectionSetNode } from 'graphql';
import type { Plugin } from 'graphql-yoga';

/**
 * Fields of one response name that one selection set may hold, its fragments' included: far
 * more than components composing fragments repeat (`id` in each of them), far fewer than make
 * validation slow.
 */
export const MAX_REPEATED_FIELDS = 50;

/**
 * Validation's check that fields of one name can be merged compares them pairwise, so a
 * 10 KB document repeating one field 500 times costs it seconds of CPU; aliases (at most 30)
 * do not bound that, repeats of one name do. They are counted here before validation, each
 * fragment once (its counts added at every spread, never its fields walked again), and an
 * operation past the bound is refused before validation runs.
 */
export function repeatedFieldsBound(): Plugin {
  // yoga hands the same parsed document for the same text, and validation runs (or is looked up) for every request.
  const counted = new WeakMap<DocumentNode, { name: string; count: number }>();
  return {
    onValidate({ params, setResult }) {
      let repeated = counted.get(params.documentAST);
      if (!repeated) counted.set(params.documentAST, (repeated = mostRepeated(params.documentAST)));
      if (repeated.count <= MAX_REPEATED_FIELDS) return;
      setResult([
        new GraphQLError(
          `This operation selects "${repeated.name}" more than ${MAX_REPEATED_FIELDS} times in one place (its fragments included); the gateway allows at most ${MAX_REPEATED_FIELDS}. Select it once.`,
          { extensions: { code: 'QUERY_TOO_COMPLEX', measure: 'repeatedFields', limit: MAX_REPEATED_FIELDS } },
        ),
      ]);
    },
  };
}

type Counts = Map<string, number>;

/** The response name selected most often in any one selection set of the document, fragments spread in, and how often. */
function mostRepeated(document: DocumentNode): { name: string; count: number } {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  const fragmentCounts = new Map<string, Counts>();
  const worst = { name: '', count: 0 };

  /** A selection set's response names with how often each appears in it, nested selection sets checked on the way. */
  const countsOf = (selectionSet: SelectionSetNode, into: Counts = new Map()): Counts => {
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) {
        const name = selection.alias?.value ?? selection.name.value;
        const count = (into.get(name) ?? 0) + 1;
        into.set(name, count);
        if (count > worst.count) Object.assign(worst, { name, count });
        if (selection.selectionSet) countsOf(selection.selectionSet);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        countsOf(selection.selectionSet, into);
      } else {
        for (const [name, n] of fragmentCountsOf(selection.name.value)) {
          const count = (into.get(name) ?? 0) + n;
          into.set(name, count);
          if (count > worst.count) Object.assign(worst, { name, count });
        }
      }
      // Past the bound, the rest need not be counted.
      if (worst.count > MAX_REPEATED_FIELDS) return into;
    }
    return into;
  };

  const fragmentCountsOf = (name: string): Counts => {
    const known = fragmentCounts.get(name);
    if (known) return known;
    // A fragment that spreads itself is validation's to refuse; meanwhile it counts as empty.
    const counts: Counts = new Map();
    fragmentCounts.set(name, counts);
    const fragment = fragments.get(name);
    if (fragment) countsOf(fragment.selectionSet, counts);
    return counts;
  };

  for (const definition of document.definitions) {
    if (worst.count > MAX_REPEATED_FIELDS) break;
    if (definition.kind === Kind.OPERATION_DEFINITION || definition.kind === Kind.FRAGMENT_DEFINITION) {
      if (definition.kind === Kind.FRAGMENT_DEFINITION) fragmentCountsOf(definition.name.value);
      else countsOf(definition.selectionSet);
    }
  }
  return worst;
}
