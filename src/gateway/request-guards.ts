import { GraphQLError, Lexer, Source, TokenKind } from 'graphql';
import { createGraphQLError, type Plugin } from 'graphql-yoga';
import { readAtMost } from '../webhooks/index.js';

/** Brackets, braces and parentheses open at once; past this graphql-js's recursive parser would overflow the stack. */
export const MAX_NESTING = 64;

const OPENING = new Set<string>([TokenKind.BRACE_L, TokenKind.BRACKET_L, TokenKind.PAREN_L]);
const CLOSING = new Set<string>([TokenKind.BRACE_R, TokenKind.BRACKET_R, TokenKind.PAREN_R]);

/**
 * Requests refused as the caller's mistakes (400, with a code) rather than failing
 * inside yoga or graphql-js as a 500: GraphQL parameters that are not JSON
 * (`GET /graphql?variables={bad`), and documents nested deeper than MAX_NESTING
 * (a list literal 2,000 deep). `maxTokens` bounds the nesting scan as it bounds parsing.
 * Syntax errors keep their position but not the string literal they stopped at.
 * A body past `maxBodyBytes`, declared or streamed, is refused (413) before it is parsed.
 */
export function requestGuards({ maxTokens, maxBodyBytes, bodyTimeoutMs }: { maxTokens: number; maxBodyBytes: number; bodyTimeoutMs: number }): Plugin {
  return {
    onRequestParse({ requestParser, setRequestParser }) {
      if (!requestParser) return;
      const parse = requestParser;
      setRequestParser(async (request) => {
        try {
          return await withinTime(request, bodyTimeoutMs, async () => parse(await withinLimit(request, maxBodyBytes)));
        } catch (error) {
          if (error instanceof GraphQLError && !error.extensions.originalError) throw error;
          // JSON.parse's message quotes the text it choked on, which may hold a card nonce: only ours goes out.
          const message = error instanceof GraphQLError ? error.message : 'The "variables" or "extensions" parameter is not valid JSON.';
          throw createGraphQLError(message, { extensions: { code: 'BAD_REQUEST', http: { status: 400 } } });
        }
      });
    },
    onParse({ parseFn, setParseFn }) {
      setParseFn((source, options) => {
        checkNesting(typeof source === 'string' ? new Source(source) : source, maxTokens);
        try {
          return parseFn(source, options);
        } catch (error) {
          throw error instanceof GraphQLError ? withoutStringToken(error) : error;
        }
      });
    },
  };
}

/**
 * `read` of the body, or a 408 once it has taken `timeoutMs`: a client that stops sending
 * mid-body (or sends a byte a minute) holds a connection no longer than that. The connection
 * closes with the answer, so that the unread rest never counts as the next request.
 */
async function withinTime<T>(request: Request, timeoutMs: number, read: () => Promise<T>): Promise<T> {
  if (!request.body) return read();
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      reject(
        createGraphQLError(`The request body did not arrive within ${timeoutMs / 1000} seconds.`, {
          extensions: { code: 'BODY_TIMEOUT', http: { status: 408, headers: { connection: 'close' } } },
        }),
      );
    }, timeoutMs);
  });
  try {
    return await Promise.race([read(), late]);
  } finally {
    clearTimeout(timer);
  }
}

function tooLarge(maxBodyBytes: number): GraphQLError {
  // The rest of the body is not read: the connection closes rather than carry it.
  return createGraphQLError(`The request body exceeds ${maxBodyBytes} bytes.`, {
    extensions: { code: 'PAYLOAD_TOO_LARGE', http: { status: 413, headers: { connection: 'close' } } },
  });
}

/** The request with its body read, within the limit; one without a body as it is. */
async function withinLimit(request: Request, maxBodyBytes: number): Promise<Request> {
  if (!request.body) return request;
  const declared = request.headers.get('content-length');
  if (Number(declared ?? 0) > maxBodyBytes) throw tooLarge(maxBodyBytes);
  // Node's HTTP parser never reads past a declared length: only a chunked body must be counted as it comes.
  if (declared !== null && !request.headers.has('transfer-encoding')) return request;
  const body = await readAtMost(request.body.getReader(), maxBodyBytes);
  if (body === 'too-large') throw tooLarge(maxBodyBytes);
  // readAtMost's Buffer.concat allocates a plain ArrayBuffer, never a shared one.
  return new Request(request.url, { method: request.method, headers: request.headers, body: body as Uint8Array<ArrayBuffer> });
}

/** graphql-js ends a syntax error with the unexpected token, a string literal quoted whole: a nonce written inline. */
const QUOTED_STRING_TOKEN = /\b(BlockString|String) "[\s\S]*"\.$/;

function withoutStringToken(error: GraphQLError): GraphQLError {
  if (!QUOTED_STRING_TOKEN.test(error.message)) return error;
  return new GraphQLError(error.message.replace(QUOTED_STRING_TOKEN, '$1.'), {
    source: error.source,
    positions: error.positions,
    extensions: error.extensions,
  });
}

function checkNesting(source: Source, maxTokens: number): void {
  const lexer = new Lexer(source);
  let depth = 0;
  for (let token = lexer.advance(), count = 1; token.kind !== TokenKind.EOF && count <= maxTokens; token = lexer.advance(), count++) {
    if (OPENING.has(token.kind) && ++depth > MAX_NESTING) {
      throw new GraphQLError(`Syntax Error: Nesting limit of ${MAX_NESTING} exceeded.`, { source, positions: [token.start] });
    }
    if (CLOSING.has(token.kind)) depth--;
  }
}
