import type { Plugin } from 'graphql-yoga';
import type { Logger } from 'pino';
import { SCOPES } from '../apis/registry.js';
import { BulkOperationService, FILE_PATH } from '../bulk/operations.js';
import { BulkSecrets } from '../bulk/secrets.js';
import { keyCaller, type AuthMode } from '../context/authentication.js';
import { callerContext, type ContextFactoryOptions } from '../context/context-factory.js';
import type { OutboundWebhooks } from '../outbound/index.js';
import { schema } from '../schema/index.js';
import type { BulkStore, EventStore } from '../store/index.js';
import type { ApiKeyRing } from './api-keys.js';
import type { GatewayConfig } from './config.js';
import type { GatewayPubSub } from './pubsub.js';
import { documentId, type TrustedDocuments } from './trusted-documents.js';

export const DAY_MS = 86_400_000;

/** The gateway's bulk operations (the `bulk` option of createGateway): where they are kept, and their settings. */
export interface GatewayBulkOptions extends Partial<Pick<GatewayConfig, 'bulkSecret' | 'bulkOperationsPerSeller' | 'bulkOperationsPerKey' | 'bulkRetentionDays'>> {
  store: BulkStore;
  /** How long a run is an instance's without renewal: after a crash, another resumes it this long after (30 s by default). */
  leaseMs?: number | undefined;
  /** How often an instance looks for runs to take over (2 s by default). */
  pollMs?: number | undefined;
}

/** What of the server the bulk operations need: the event store (the feed's position), who serves callers, and how live updates go out. */
export interface BulkServerParts {
  events: EventStore | undefined;
  authMode: AuthMode;
  apiKeys: ApiKeyRing | undefined;
  pubsub: GatewayPubSub | undefined;
  outbound: OutboundWebhooks | undefined;
  trustedDocuments: TrustedDocuments;
  logger: Logger;
}

/** Bulk operations over `bulk.store`, their pages run through contexts made as a request's are (`contextOptions`). */
export function bulkOperations(bulk: GatewayBulkOptions, contextOptions: ContextFactoryOptions, parts: BulkServerParts): BulkOperationService {
  const { pubsub, outbound, trustedDocuments } = parts;
  return new BulkOperationService({
    store: bulk.store,
    events: parts.events,
    schema,
    secrets: bulk.bulkSecret ? new BulkSecrets(bulk.bulkSecret) : BulkSecrets.ephemeral(),
    limits: { perSeller: bulk.bulkOperationsPerSeller ?? 2, perKey: bulk.bulkOperationsPerKey ?? 1 },
    retentionMs: (bulk.bulkRetentionDays ?? 7) * DAY_MS,
    authMode: parts.authMode,
    scopes: SCOPES,
    callerOf: keyCaller(contextOptions),
    keyOf: (sha256) => parts.apiKeys?.withSha256(sha256),
    trusted: (query) => trustedDocuments.get(documentId(query)) === query,
    contexts: callerContext(contextOptions),
    publish: pubsub && ((merchantId, event) => pubsub.publish(merchantId, event)),
    outbound: outbound && ((event) => outbound.publish(event)),
    logger: parts.logger,
    leaseMs: bulk.leaseMs,
    pollMs: bulk.pollMs,
  });
}

const refuse = (status: number, code: string, message: string) =>
  new Response(JSON.stringify({ error: { code, message } }), { status, headers: { 'content-type': 'application/json' } });

/**
 * Serves bulk operations' files at the signed URLs their `url` and `partialDataUrl` give:
 * from the store, a few chunks at a time as the client reads (a file of any size, never held
 * whole), by whichever instance the URL reaches. The signature is the only credential, as
 * with Shopify's files: no API key is asked for.
 */
export function bulkFiles(bulk: BulkOperationService): Plugin {
  return {
    async onRequest({ request, url, endResponse }) {
      if (!url.pathname.startsWith('/bulk-operations/')) return;
      if (request.method !== 'GET' && request.method !== 'HEAD') {
        endResponse(new Response(null, { status: 405, headers: { allow: 'GET, HEAD' } }));
        return;
      }
      const file = FILE_PATH.test(url.pathname) ? await bulk.file(url.pathname, url.searchParams) : undefined;
      if (!file) {
        endResponse(refuse(404, 'NOT_FOUND', 'No file here: the link is not one the gateway signed, it expired (ask for the operation again for a fresh one), or the file was deleted.'));
        return;
      }
      const encoder = new TextEncoder();
      const chunks = file.chunks[Symbol.asyncIterator]();
      const body =
        request.method === 'HEAD'
          ? null
          : new ReadableStream<Uint8Array>({
              async pull(controller) {
                const next = await chunks.next();
                if (next.done) controller.close();
                else controller.enqueue(encoder.encode(next.value));
              },
              cancel: () => void chunks.return?.(),
            });
      endResponse(new Response(body, { headers: { 'content-type': 'application/jsonl; charset=utf-8', 'content-length': String(file.size) } }));
    },
  };
}
