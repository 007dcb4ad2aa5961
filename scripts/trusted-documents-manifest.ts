import { generate } from '@graphql-codegen/cli';
import { print, printSchema, type DocumentNode, type GraphQLSchema } from 'graphql';

/** The hashes graphql-codegen's client preset can name a persisted document by. */
export type PresetHash = 'sha256' | 'sha1';

/**
 * What graphql-codegen's client preset writes as `persisted-documents.json` with
 * `persistedDocuments` on, run here in memory: each operation with the fragments it
 * spreads, printed as the preset prints it, keyed by the id it gives (`sha256:<hex>`,
 * or the bare hex of a SHA-1) — the id its clients send as `documentId`.
 */
export async function clientPresetManifest(schema: string, documents: string[], hashAlgorithm: PresetHash = 'sha256'): Promise<Record<string, string>> {
  const outputs = (await generate(
    { schema, documents, silent: true, generates: { 'client/': { preset: 'client', presetConfig: { persistedDocuments: { hashAlgorithm } } } } },
    false,
  )) as Array<{ filename: string; content: string }>;
  const manifest = outputs.find((output) => output.filename === 'client/persisted-documents.json');
  if (!manifest) throw new Error('the client preset wrote no persisted-documents.json');
  return JSON.parse(manifest.content) as Record<string, string>;
}

/**
 * The trusted documents manifest (schema/persisted-operations.json, written by codegen.ts):
 * the client preset's own manifest of the documents, so that the id a partner's codegen
 * computes for one of them is the id the gateway knows it by; sorted by id, so that it
 * changes only where an operation does.
 */
export async function trustedDocumentsManifest(schema: GraphQLSchema, sources: Array<{ document?: DocumentNode | undefined }>): Promise<string> {
  const manifest = await clientPresetManifest(
    printSchema(schema),
    sources.flatMap((source) => (source.document ? [print(source.document)] : [])),
  );
  const sorted = Object.entries(manifest).sort(([a], [b]) => a.localeCompare(b));
  return `${JSON.stringify(Object.fromEntries(sorted), null, 2)}\n`;
}
