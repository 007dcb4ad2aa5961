/**
 * Ids and other strings from a signed event, as both stores keep them. PostgreSQL refuses
 * U+0000 in text, and both drivers write a lone UTF-16 surrogate as U+FFFD, so two distinct
 * ids could become one. A valid signature can come with either, so they are escaped
 * losslessly: `\` as `\\`, U+0000 and lone surrogates as `\uXXXX`. Square's own ids contain
 * none of these and are stored unchanged.
 */
// eslint-disable-next-line no-control-regex -- U+0000 is one of the characters to escape
const UNSTORABLE = /[\\\u0000]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
const ESCAPE = /\\(\\|u[0-9a-f]{4})/g;

export function toStorable(text: string): string {
  return text.replace(UNSTORABLE, (char) => (char === '\\' ? '\\\\' : `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`));
}

export function fromStorable(text: string): string {
  return text.replace(ESCAPE, (_, escape: string) => (escape === '\\' ? '\\' : String.fromCharCode(Number.parseInt(escape.slice(1), 16))));
}
