import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';

/** The checked-in manifest `npm run schema:print` builds from schema/operations/*.graphql with graphql-codegen's client preset. */
export const DEFAULT_MANIFEST = new URL('../../schema/persisted-operations.json', import.meta.url);

/** A document's id as Apollo's automatic persisted queries name it: the SHA-256 of its text in hex. */
export function documentId(document: string): string {
  return createHash('sha256').update(document).digest('hex');
}

/**
 * A manifest entry's id, in any form graphql-codegen's client preset (`persistedDocuments`)
 * writes one: `sha256:<hex>` (its default, GraphQL over HTTP's persisted document id) or the
 * bare hex of a SHA-1 (`hashAlgorithm: 'sha1'`); and the bare hex of a SHA-256, as Apollo's
 * persisted queries and earlier manifests of this gateway name a document.
 */
const MANIFEST_ID = /^(?:sha256:([0-9a-f]{64})|([0-9a-f]{64})|([0-9a-f]{40}))$/;

/**
 * The digest a manifest entry is kept and looked up by (its id without `sha256:`), when the
 * id is the hash of the document; undefined when it is not, or names no hash of ours.
 */
export function manifestDigest(id: string, document: string): string | undefined {
  const match = MANIFEST_ID.exec(id);
  if (!match) return undefined;
  const [, prefixed, bare, sha1] = match;
  const sha256 = prefixed ?? bare;
  if (sha256) return documentId(document) === sha256 ? sha256 : undefined;
  return createHash('sha1').update(document).digest('hex') === sha1 ? sha1 : undefined;
}

/** A digest as the client preset writes its id: SHA-256 prefixed with `sha256:`, SHA-1 bare. */
export function presetId(digest: string): string {
  return digest.length === 64 ? `sha256:${digest}` : digest;
}

/** The digest a request's id names: `documentId` and Apollo's `sha256Hash` may carry the preset's `sha256:` prefix or not. */
export function requestedDigest(id: string): string {
  return id.startsWith('sha256:') ? id.slice('sha256:'.length) : id;
}

/** What is wrong with a manifest: as a whole (no `entry`), or with the entry of that id. */
export interface ManifestProblem {
  entry?: string;
  code: 'BAD_REQUEST' | 'TRUSTED_DOCUMENT_ID_MISMATCH';
  message: string;
}

/**
 * A manifest as parsed JSON (`{ "<id>": "<document>" }`, the client preset's
 * persisted-documents.json): the documents whose ids name them, by digest, and every
 * problem found in it (a manifest with any is to be refused whole).
 */
export function readManifest(raw: unknown): { documents: Map<string, string>; problems: ManifestProblem[] } {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    const message = 'A manifest is a JSON object of id → document, as the client preset writes persisted-documents.json.';
    return { documents: new Map(), problems: [{ code: 'BAD_REQUEST', message }] };
  }
  const documents = new Map<string, string>();
  const problems: ManifestProblem[] = [];
  for (const [id, document] of Object.entries(raw)) {
    if (typeof document !== 'string') {
      problems.push({ entry: id, code: 'BAD_REQUEST', message: `The entry "${id}" is not a string: each value is a document's text.` });
      continue;
    }
    const digest = manifestDigest(id, document);
    if (digest) documents.set(digest, document);
    else {
      problems.push({
        entry: id,
        code: 'TRUSTED_DOCUMENT_ID_MISMATCH',
        message: `The entry "${id}" is not named by the hash of its document: ids are "sha256:<hex>" (or the hex of a SHA-1) of the document's exact text, as the client preset computes them.`,
      });
    }
  }
  return { documents, problems };
}

/**
 * The project's trusted documents: digest → document, runnable by id by every caller, and
 * the only ones a `trustedDocumentsOnly` key may run besides those registered for it (see
 * key-documents.ts). Each id is checked against its document when loaded, so a hand-edited
 * manifest cannot make an id run something else than it names.
 */
export class TrustedDocuments {
  private constructor(private readonly documents: ReadonlyMap<string, string>) {}

  static parse(json: string, source: string): TrustedDocuments {
    let raw: unknown;
    try {
      raw = JSON.parse(json);
    } catch (error) {
      throw new Error(`${source} is not valid JSON: ${(error as Error).message}`);
    }
    const { documents, problems } = readManifest(raw);
    if (problems.length > 0) throw new Error(`${source}: ${problems.map((p) => p.message).join(' ')} Rebuild it with npm run schema:print.`);
    return new TrustedDocuments(documents);
  }

  static load(path: string | URL = DEFAULT_MANIFEST): TrustedDocuments {
    return TrustedDocuments.parse(readFileSync(path, 'utf8'), path instanceof URL ? path.pathname : path);
  }

  /** From TRUSTED_DOCUMENTS_FILE, or the checked-in manifest. */
  static fromEnv(env: NodeJS.ProcessEnv): TrustedDocuments {
    return TrustedDocuments.load(env.TRUSTED_DOCUMENTS_FILE || DEFAULT_MANIFEST);
  }

  get size(): number {
    return this.documents.size;
  }

  /** The document of this digest (see requestedDigest). */
  get(digest: string): string | undefined {
    return this.documents.get(digest);
  }
}
