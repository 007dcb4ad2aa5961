/**
 * Documents built to make a GraphQL server walk far more than it was sent: test/gateway/document-walks.test.ts
 * checks which check of the gateway refuses each, bench/hostile-documents.ts how fast.
 */

/** Fragments that each spread the next one twice: `levels` lines of text, 2^levels copies of `selection` once expanded. */
export function fanOut(levels: number, on: string, selection: string): string {
  return Array.from({ length: levels }, (_, i) => {
    const next = i + 1 < levels ? ` ...F${i + 1} ...F${i + 1}` : '';
    return `fragment F${i} on ${on} { ${selection}${next} }`;
  }).join('\n');
}
