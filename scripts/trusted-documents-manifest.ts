import { Kind, print, visit, type DefinitionNode, type DocumentNode, type FragmentDefinitionNode } from 'graphql';
import { documentId } from '../src/gateway/trusted-documents.js';

/**
 * The trusted documents manifest (schema/persisted-operations.json, written by codegen.ts):
 * every operation of the documents, with the fragments it spreads, printed as one document
 * and keyed by its SHA-256 — the id a partner sends as `documentId` or
 * `extensions.persistedQuery.sha256Hash`.
 */
export function trustedDocumentsManifest(documents: DocumentNode[]): string {
  const definitions = documents.flatMap((d) => d.definitions);
  const fragments = new Map(
    definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((d) => [d.name.value, d]),
  );
  const entries = definitions
    .filter((d) => d.kind === Kind.OPERATION_DEFINITION)
    .map((operation) => print({ kind: Kind.DOCUMENT, definitions: [operation, ...spreadFragments(operation, fragments)] }))
    .map((document) => [documentId(document), document] as const)
    .sort(([a], [b]) => a.localeCompare(b));
  return `${JSON.stringify(Object.fromEntries(entries), null, 2)}\n`;
}

/** The fragments a definition spreads, directly or through other fragments, in a stable order. */
function spreadFragments(definition: DefinitionNode, fragments: ReadonlyMap<string, FragmentDefinitionNode>): FragmentDefinitionNode[] {
  const found = new Map<string, FragmentDefinitionNode>();
  const walk = (node: DefinitionNode) =>
    visit(node, {
      FragmentSpread(spread) {
        const fragment = fragments.get(spread.name.value);
        if (!fragment || found.has(fragment.name.value)) return;
        found.set(fragment.name.value, fragment);
        walk(fragment);
      },
    });
  walk(definition);
  return [...found.values()].sort((a, b) => a.name.value.localeCompare(b.name.value));
}
