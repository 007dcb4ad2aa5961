import { usePersistedOperations } from '@graphql-yoga/plugin-persisted-operations';
import { createGraphQLError, type GraphQLParams, type Plugin } from 'graphql-yoga';
import { presentedKey, type ApiKey } from '../context/authentication.js';
import type { KeyDocumentStore } from '../store/index.js';
import type { ApiKeyRing } from './api-keys.js';
import type { PersistedQueryStore } from './persisted-query-store.js';
import { documentId, requestedDigest, type TrustedDocuments } from './trusted-documents.js';

export interface PersistedOperationsOptions {
  trusted: TrustedDocuments;
  /** Automatic persisted queries registered by callers free to send any document. */
  store: PersistedQueryStore;
  /** The keys that may say `trustedDocumentsOnly` (server mode); without them every caller is free. */
  apiKeys: ApiKeyRing | undefined;
  /** The documents each key registered for itself (key-documents.ts), runnable by that key alone. */
  keyDocuments?: Pick<KeyDocumentStore, 'document'> | undefined;
}

/** Where a request's context carries what this plugin learned of it, from its parameters to its execution. */
const CALLER_KEY = Symbol('API key presented');
const PENDING = Symbol('persisted query to register');

interface PersistedContext {
  /** null: no key, or not a valid one (authentication refuses the request later). */
  [CALLER_KEY]?: ApiKey | null;
  [PENDING]?: { id: string; document: string };
}

/**
 * Operations sent by id. A `trustedDocumentsOnly` key runs only trusted documents: the
 * manifest's, and those registered for that key (never another key's); a document sent as
 * text is refused before it is parsed, so it can make no Square call. Every other caller may
 * also run the manifest's and its own key's by id, and register documents as automatic
 * persisted queries (Apollo's protocol: the id alone, and after PersistedQueryNotFound the id
 * and the document), kept once the document has passed validation and its caller authentication.
 */
export function persistedOperations({ trusted, store, apiKeys, keyDocuments }: PersistedOperationsOptions): Plugin[] {
  // Looked up once per request, as its first use needs it.
  const callerKey = (context: PersistedContext, request: Request): ApiKey | null => {
    if (context[CALLER_KEY] === undefined) {
      const presented = presentedKey(request);
      context[CALLER_KEY] = (presented && apiKeys?.find(presented)) || null;
    }
    return context[CALLER_KEY];
  };
  const isRestricted = (context: PersistedContext, request: Request): boolean => callerKey(context, request)?.trustedDocumentsOnly ?? false;
  const keyDocument = async (digest: string, context: PersistedContext, request: Request) => {
    const key = callerKey(context, request);
    if (!key || !keyDocuments) return undefined;
    try {
      return await keyDocuments.document(key.sha256, digest);
    } catch {
      // The store's own retries have passed: the client may send the id again later.
      throw createGraphQLError('The trusted documents cannot be read now; send the id again later.', {
        extensions: { code: 'STORE_UNAVAILABLE', http: { status: 503 } },
      });
    }
  };
  // Awaited, so that the id alone works as soon as this request has answered.
  const registerRan = async (context: PersistedContext) => {
    const registration = context[PENDING];
    if (registration) await store.set(registration.id, registration.document);
  };

  const registration: Plugin<PersistedContext, PersistedContext> = {
    onParams({ params, request, context }) {
      // Refused here rather than by the plugin below, whose check of a document sent as text is given the request but not its context.
      if (params.query && isRestricted(context, request)) throw trustedOnly();
      const id = operationId(params);
      if (!id || params.query === undefined || isRestricted(context, request)) return;
      if (documentId(params.query) !== id) {
        throw createGraphQLError('PersistedQueryMismatch: the id is not the SHA-256 of the document sent with it.', {
          extensions: { code: 'PERSISTED_QUERY_MISMATCH', http: { status: 400 } },
        });
      }
      context[PENDING] = { id, document: params.query };
    },
    onExecute: ({ args }) => registerRan(args.contextValue),
    onSubscribe: ({ args }) => registerRan(args.contextValue),
  };

  const byId = usePersistedOperations<PersistedContext>({
    allowArbitraryOperations: true,
    extractPersistedOperationId: operationId,
    getPersistedOperation: async (id, request, context) =>
      trusted.get(id) ?? (await keyDocument(id, context, request)) ?? (isRestricted(context, request) ? undefined : await store.get(id)) ?? null,
    customErrors: {
      keyNotFound: ({ request, context }) => (isRestricted(context, request) ? trustedOnly() : noDocument()),
      notFound: ({ request, context }) =>
        isRestricted(context, request)
          ? createGraphQLError('No trusted document has this id: neither the gateway\'s manifest nor the documents registered for this key.', {
              extensions: { code: 'PERSISTED_QUERY_NOT_IN_LIST', http: { status: 400 } },
            })
          : // Apollo's clients send the document again on exactly this message.
            createGraphQLError('PersistedQueryNotFound', { extensions: { code: 'PERSISTED_QUERY_NOT_FOUND', http: { status: 404 } } }),
    },
  });

  return [registration, byId];
}

/**
 * `documentId` (GraphQL over HTTP's persisted documents) or Apollo's `extensions.persistedQuery.sha256Hash`,
 * either as the client preset names a document (`sha256:<hex>`, or a SHA-1's hex) or as bare hex.
 */
function operationId(params: GraphQLParams & { documentId?: unknown }): string | null {
  if (typeof params.documentId === 'string') return requestedDigest(params.documentId);
  const persisted = params.extensions?.persistedQuery as { version?: unknown; sha256Hash?: unknown } | undefined;
  return persisted?.version === 1 && typeof persisted.sha256Hash === 'string' ? requestedDigest(persisted.sha256Hash) : null;
}

const trustedOnly = () =>
  createGraphQLError(
    'This API key runs only trusted documents: send the id of one (as "documentId", or as extensions.persistedQuery.sha256Hash), not a document.',
    { extensions: { code: 'PERSISTED_QUERY_ONLY', http: { status: 403 } } },
  );

/** What yoga answers a request without a document, when no id stands in for one either. */
const noDocument = () => createGraphQLError('Must provide query string.', { extensions: { code: 'BAD_REQUEST', http: { status: 400 } } });
