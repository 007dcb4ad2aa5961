/** Literal segments of Square's paths are lowercase words (`customers`, `bulk-retrieve`); ids and GANs never are. */
const WORD = /^[a-z]+(?:-[a-z]+)*$/;
/** Segments after these are custom attribute keys, which a seller names, or a bulk action. */
const KEYED = new Set(['custom-attributes', 'custom-attribute-definitions']);
const BULK = /^bulk-[a-z]+$/;

/**
 * A Square call's route with every id left out, `GET /v2/customers/{id}`, so that metrics
 * and traces name the endpoint and never an object of the seller (nor grow a series per object).
 */
export function squareEndpoint(method: string, url: string): string {
  const segments = new URL(url).pathname.split('/').filter(Boolean);
  const route = segments.map((segment, i) => {
    if (i === 0) return /^[a-z0-9]{1,8}$/.test(segment) ? segment : '{id}';
    if (KEYED.has(segments[i - 1]!)) return BULK.test(segment) ? segment : '{key}';
    return WORD.test(segment) && segment.length <= 40 ? segment : '{id}';
  });
  return `${method.toUpperCase()} /${route.join('/')}`;
}
