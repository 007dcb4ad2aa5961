import type { Plugin } from 'graphql-yoga';
import { FILE_PATH, type BulkOperationService } from '../bulk/operations.js';

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
