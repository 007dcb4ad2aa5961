import { GraphQLError, Kind, type DocumentNode, type GraphQLSchema } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { bearerToken } from '../context/bearer.js';
import type { ApiKey } from '../context/authentication.js';
import { limitPassedByCheapestRequest } from '../schema/query-cost.js';
import type { KeyDocumentStore } from '../store/index.js';
import { readAtMost } from '../webhooks/index.js';
import type { ApiKeyRing } from './api-keys.js';
import { requestLogger, type CarriesLogger, type Logger } from './logger.js';
import { presetId, readManifest, requestedDigest, type ManifestProblem } from './trusted-documents.js';

/** Where a key's owner registers, lists and removes the key's trusted documents. */
export const KEY_DOCUMENTS_PATH = '/trusted-documents';

export interface KeyDocumentsOptions {
  store: KeyDocumentStore;
  /** Documents one key may hold at most. */
  perKey: number;
}

/** What is wrong with a manifest or one of its entries (`entry`: its id as the manifest has it), with the details a request's error would carry (`measure`, `limit`, …). */
export interface DocumentProblem {
  entry?: string | undefined;
  code: string;
  message: string;
  [detail: string]: unknown;
}

export type Registration =
  | { registered: true; added: number; unchanged: number; total: number; limit: number }
  | { registered: false; problems: DocumentProblem[] };

/** A key's trusted documents: registered by its owner, run by that key alone (persisted-operations.ts). */
export interface KeyDocumentRegistry {
  /**
   * Checks a manifest (parsed JSON, the client preset's persisted-documents.json) whole, and
   * registers its documents for the key: all of them, or none when anything is wrong. The
   * documents the key holds already stay as they are, so the same manifest again adds nothing.
   */
  register(key: ApiKey, manifest: unknown): Promise<Registration>;
  list(key: ApiKey): Promise<{ documents: Array<{ id: string; registeredAt: string }>; limit: number }>;
  /** Forgets one of the key's documents, by its id in any form a request may name it; false when the key holds none of that id. */
  remove(key: ApiKey, id: string): Promise<boolean>;
}

/** The parse and validation of the gateway's own pipeline (yoga's, with every plugin's checks), as envelop hands them out. */
export type DocumentPipeline = (initialContext: Record<string, never>) => {
  parse(source: string): DocumentNode;
  validate(schema: GraphQLSchema, document: DocumentNode): ReadonlyArray<GraphQLError>;
  schema: GraphQLSchema;
};

/**
 * The registry over `store`. Each document must parse and validate exactly as a request's
 * would (the gateway's own `pipeline`: token, nesting, alias, directive and repeated-field
 * bounds, introspection when it is off) and each of its operations be within the query
 * limits even for the cheapest request (limitPassedByCheapestRequest).
 */
export function keyDocumentRegistry({ store, perKey }: KeyDocumentsOptions, pipeline: () => DocumentPipeline): KeyDocumentRegistry {
  return {
    async register(key, raw) {
      const { documents, problems: idProblems } = readManifest(raw);
      const problems: DocumentProblem[] = idProblems.map(asProblem);
      if (documents.size === 0 && problems.length === 0) problems.push({ code: 'BAD_REQUEST', message: 'The manifest holds no documents.' });
      // Checked before its documents are, which takes time for each.
      if (documents.size > perKey) problems.push(overLimit(documents.size, perKey));
      if (documents.size === 0 || documents.size > perKey) return { registered: false, problems };
      const ids = entryIds(raw as Record<string, string>);
      const checks = pipeline()({});
      for (const [digest, document] of documents) {
        const problem = documentProblem(checks, document);
        if (problem) problems.push({ ...problem, entry: ids.get(digest) });
        // A document takes a few milliseconds to check: requests waiting meanwhile are served between them.
        await new Promise((resolve) => setImmediate(resolve));
      }
      if (problems.length > 0) return { registered: false, problems };
      const stored = await store.register(key.sha256, documents, perKey);
      if (stored.outcome === 'over-limit') return { registered: false, problems: [overLimit(stored.total, perKey)] };
      return { registered: true, added: stored.added, unchanged: documents.size - stored.added, total: stored.total, limit: perKey };
    },
    async list(key) {
      const entries = await store.list(key.sha256);
      return { documents: entries.map((entry) => ({ id: presetId(entry.digest), registeredAt: entry.registeredAt })), limit: perKey };
    },
    remove: (key, id) => store.remove(key.sha256, requestedDigest(id)),
  };
}

/** Each digest's id as the manifest wrote it, for problems to name the entry as its author knows it. */
function entryIds(raw: Record<string, string>): Map<string, string> {
  return new Map(Object.keys(raw).map((id) => [requestedDigest(id), id]));
}

const asProblem = ({ entry, code, message }: ManifestProblem): DocumentProblem => ({ ...(entry === undefined ? {} : { entry }), code, message });

const overLimit = (total: number, limit: number): DocumentProblem => ({
  code: 'TRUSTED_DOCUMENTS_LIMIT',
  message: `With these documents the key would hold ${total}; a key holds at most ${limit} (TRUSTED_DOCUMENTS_PER_KEY). Remove those it no longer needs (DELETE ${KEY_DOCUMENTS_PATH}/<id>).`,
});

/** Why a document cannot be trusted, in the codes a request sending it would get; undefined when it can. */
function documentProblem({ parse, validate, schema }: ReturnType<DocumentPipeline>, text: string): DocumentProblem | undefined {
  let document: DocumentNode;
  try {
    document = parse(text);
  } catch (error) {
    return coded(error, 'GRAPHQL_PARSE_FAILED');
  }
  const [invalid] = validate(schema, document);
  if (invalid) return coded(invalid, 'GRAPHQL_VALIDATION_FAILED');
  for (const operation of document.definitions) {
    if (operation.kind !== Kind.OPERATION_DEFINITION) continue;
    try {
      const refused = limitPassedByCheapestRequest(schema, document, operation);
      if (refused) return coded(refused, 'QUERY_TOO_COMPLEX');
    } catch (error) {
      // Too many ids written in the document, say: what a request sending it would be told.
      return coded(error, 'BAD_USER_INPUT');
    }
  }
  return undefined;
}

function coded(error: unknown, fallback: string): DocumentProblem {
  if (!(error instanceof GraphQLError)) return { code: fallback, message: error instanceof Error ? error.message : String(error) };
  // What only a response over HTTP means (its status), or quotes what was sent, stays out.
  const { code, http: _http, originalError: _quoted, ...details } = error.extensions ?? {};
  return { ...details, code: typeof code === 'string' ? code : fallback, message: error.message };
}

/**
 * `PUT /trusted-documents` (a manifest: registers its documents), `GET /trusted-documents`
 * (the key's documents) and `DELETE /trusted-documents/<id>`, each authenticated by a key's
 * documents key (`Authorization: Bearer gd_…`, the keys file's `documentsKeySha256`), which
 * acts for that one key. Never the key itself: a `trustedDocumentsOnly` key is meant for
 * clients that may leak it, and one that could register documents could run anything.
 */
export function keyDocumentRoutes(registry: KeyDocumentRegistry, options: { apiKeys: ApiKeyRing; maxBodyBytes: number; logger: Logger }): Plugin<Record<string, unknown>, CarriesLogger> {
  return {
    async onRequest({ request, url, endResponse, serverContext, fetchAPI }) {
      const path = url.pathname;
      if (path !== KEY_DOCUMENTS_PATH && !path.startsWith(`${KEY_DOCUMENTS_PATH}/`)) return;
      const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
        new fetchAPI.Response(JSON.stringify(body), {
          status,
          headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers },
        });
      // The shape of GraphQL's errors, which clients of the gateway read already.
      const refused = (status: number, problems: DocumentProblem[], headers: Record<string, string> = {}) =>
        json(status, { errors: problems.map(({ message, ...extensions }) => ({ message, extensions })) }, headers);
      const one = path === KEY_DOCUMENTS_PATH ? undefined : path.slice(KEY_DOCUMENTS_PATH.length + 1);
      const allowed = one === undefined ? ['GET', 'PUT'] : ['DELETE'];
      if (!allowed.includes(request.method)) {
        const route = one === undefined ? KEY_DOCUMENTS_PATH : `${KEY_DOCUMENTS_PATH}/<id>`;
        return endResponse(refused(405, [{ code: 'METHOD_NOT_ALLOWED', message: `${route} takes ${allowed.join(' or ')}.` }], { allow: allowed.join(', ') }));
      }
      const presented = bearerToken(request.headers.get('authorization'));
      const key = presented ? options.apiKeys.findByDocumentsKey(presented) : undefined;
      if (!key) {
        const message = presented
          ? 'This documents key is not valid.'
          : 'Send the API key\'s documents key as "Authorization: Bearer gd_…" (npm run keys:create -- … --documents-key makes one).';
        return endResponse(refused(401, [{ code: 'UNAUTHENTICATED', message }], { 'www-authenticate': 'Bearer' }));
      }
      const log = requestLogger(serverContext, options.logger);
      try {
        if (request.method === 'GET') return endResponse(json(200, await registry.list(key)));
        if (one !== undefined) {
          if (await registry.remove(key, decodeURIComponent(one))) return endResponse(json(200, { removed: true }));
          return endResponse(refused(404, [{ code: 'NOT_FOUND', message: 'This key holds no document of that id.' }]));
        }
        const body = await manifestBody(request, options.maxBodyBytes);
        if ('problem' in body) return endResponse(refused(body.status, [body.problem], body.status === 413 ? { connection: 'close' } : {}));
        const registration = await registry.register(key, body.manifest);
        if (!registration.registered) return endResponse(refused(400, registration.problems));
        const { registered: _, ...counts } = registration;
        log.info({ key: key.name, ...counts }, 'trusted documents registered');
        return endResponse(json(200, counts));
      } catch (error) {
        if (error instanceof URIError) return endResponse(refused(404, [{ code: 'NOT_FOUND', message: 'This key holds no document of that id.' }]));
        log.error({ err: error }, 'trusted documents store failed');
        return endResponse(refused(503, [{ code: 'STORE_UNAVAILABLE', message: 'The trusted documents could not be read or kept; nothing changed unless a later GET shows it. Try again later.' }]));
      }
    },
  };
}

async function manifestBody(request: Request, maxBodyBytes: number): Promise<{ manifest: unknown } | { status: number; problem: DocumentProblem }> {
  const tooLarge = { status: 413, problem: { code: 'PAYLOAD_TOO_LARGE', message: `The manifest exceeds ${maxBodyBytes} bytes (MAX_BODY_BYTES): register it in parts.` } };
  if (Number(request.headers.get('content-length') ?? 0) > maxBodyBytes) return tooLarge;
  const body = request.body ? await readAtMost(request.body.getReader(), maxBodyBytes) : new Uint8Array();
  if (body === 'too-large') return tooLarge;
  try {
    return { manifest: JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(body)) };
  } catch {
    return { status: 400, problem: { code: 'BAD_REQUEST', message: 'The body is not UTF-8 JSON: send the manifest, persisted-documents.json, as it is.' } };
  }
}
