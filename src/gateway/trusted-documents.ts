import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';

/** The checked-in manifest `npm run schema:print` builds from schema/operations/*.graphql. */
export const DEFAULT_MANIFEST = new URL('../../schema/persisted-operations.json', import.meta.url);

/** A document's id: the SHA-256 of its text in hex, as Apollo's persisted queries and the manifest name it. */
export function documentId(document: string): string {
  return createHash('sha256').update(document).digest('hex');
}

/**
 * The trusted documents: id → document, the only operations a `trustedDocumentsOnly`
 * key may run. Each id is checked against its document when loaded, so a hand-edited
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
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new Error(`${source} must be an object of id → document`);
    const documents = new Map<string, string>();
    for (const [id, document] of Object.entries(raw)) {
      if (typeof document !== 'string' || documentId(document) !== id) {
        throw new Error(`${source}: the entry "${id}" is not the SHA-256 of its document; rebuild it with npm run schema:print`);
      }
      documents.set(id, document);
    }
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

  get(id: string): string | undefined {
    return this.documents.get(id);
  }
}
