import { createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { serialization } from 'square';
import type { CatalogObject, EmulatorContext } from '../context.js';
import { createCatalogImage, updateCatalogImage } from '../domain/catalog.js';
import { SquareApiError, errors } from '../plumbing/errors.js';
import { parseJson } from '../plumbing/json.js';
import { parseRequest, type FieldRules } from '../plumbing/validation.js';
import type { Endpoints } from './endpoints.js';

/** Square takes image files of up to 15 MB, in these formats. */
const MAX_IMAGE_BYTES = 15 * 1024 * 1024;
const IMAGE_TYPES: Record<string, string> = { 'image/jpeg': 'jpeg', 'image/pjpeg': 'jpeg', 'image/png': 'png', 'image/gif': 'gif' };

const KEY_RULES: FieldRules = { idempotency_key: { min: 1, max: 128 } };

interface Upload {
  /** The `request` part, parsed as JSON. */
  request: unknown;
  file: { bytes: Buffer; type: string };
}

/** The parts of a multipart/form-data body as the SDK sends them: a JSON `request` part and an `image_file` part. */
async function readUpload(body: Buffer, contentType: string): Promise<Upload> {
  let form: FormData;
  try {
    form = await new Response(new Uint8Array(body), { headers: { 'content-type': contentType } }).formData();
  } catch (error) {
    throw errors.badRequest(`The multipart body could not be read: ${(error as Error).message}`);
  }
  const part = form.get('request');
  const text = typeof part === 'string' ? part : part ? await part.text() : undefined;
  let request: unknown = {};
  try {
    if (text !== undefined) request = parseJson(text);
  } catch (error) {
    throw errors.badRequest(`The request part is not valid JSON: ${(error as Error).message}`);
  }
  const file = form.get('image_file');
  if (!file || typeof file === 'string') throw errors.missing('image_file');
  const type = file.type.split(';')[0]!.trim().toLowerCase();
  if (!IMAGE_TYPES[type])
    throw SquareApiError.of(400, 'INVALID_REQUEST_ERROR', 'INVALID_CONTENT_TYPE', 'The image file must be JPEG, PJPEG, PNG or GIF.', 'image_file');
  return { request, file: { bytes: Buffer.from(await file.arrayBuffer()), type } };
}

/** Where the emulator says an upload is; Square's URLs point at its CDN, the emulator keeps no bytes (`.invalid` resolves nowhere). */
function imageUrl(file: Upload['file']): string {
  const digest = createHash('sha256').update(file.bytes).digest('hex');
  return `https://items-images.emulator.invalid/files/${digest}/original.${IMAGE_TYPES[file.type]}`;
}

/** What an idempotency key stands for: the request part and the file it came with. */
const keyed = (upload: Upload) => ({ request: upload.request, file: createHash('sha256').update(upload.file.bytes).digest('hex') });

export const CATALOG_IMAGE_ENDPOINTS: Endpoints = {
  'POST /catalog/images': { response: 'CreateCatalogImageResponse', scopes: ['ITEMS_WRITE'] }, // CreateCatalogImage
  'PUT /catalog/images/:image_id': { response: 'UpdateCatalogImageResponse', scopes: ['ITEMS_WRITE'] }, // UpdateCatalogImage
};

/**
 * CreateCatalogImage and UpdateCatalogImage, which Square takes as multipart/form-data (as the SDK
 * sends them); their own plugin, so that no other route reads that content type.
 */
export function registerCatalogImages(app: FastifyInstance, ctx: EmulatorContext): void {
  void app.register(async (images) => {
    images.addContentTypeParser('multipart/form-data', { parseAs: 'buffer', bodyLimit: MAX_IMAGE_BYTES + 64 * 1024 }, (request, body, done) => {
      readUpload(body as Buffer, request.headers['content-type']!).then((upload) => done(null, upload), (error: Error) => done(error, undefined));
    });

    images.post('/catalog/images', async (request, reply) => {
      const merchantId = request.merchant.id;
      const upload = request.body as Upload;
      const body = parseRequest(serialization.CreateCatalogImageRequest, upload.request, { ...KEY_RULES, 'image.id': { min: 1 } });
      return ctx.idempotency.send(reply, { merchantId, endpoint: 'CreateCatalogImage', key: body.idempotency_key, request: keyed(upload) }, () => ({
        image: createCatalogImage(ctx, merchantId, { ...body, image: body.image as CatalogObject }, imageUrl(upload.file)),
      }));
    });

    images.put<{ Params: { image_id: string } }>('/catalog/images/:image_id', async (request, reply) => {
      const merchantId = request.merchant.id;
      const upload = request.body as Upload;
      const body = parseRequest(serialization.UpdateCatalogImageRequest, upload.request, KEY_RULES);
      const key = { merchantId, endpoint: 'UpdateCatalogImage', key: body.idempotency_key, request: { ...keyed(upload), image_id: request.params.image_id } };
      return ctx.idempotency.send(reply, key, () => ({ image: updateCatalogImage(ctx, merchantId, request.params.image_id, imageUrl(upload.file)) }));
    });
  });
}
