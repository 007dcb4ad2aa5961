import type { serialization } from 'square';

/** Names of the SDK's response schemas, e.g. `GetCustomerResponse`. */
export type ResponseSchemaName = {
  [K in keyof typeof serialization]: K extends `${string}Response` ? K : never;
}[keyof typeof serialization];

/** One endpoint: method, a path pattern (`:name` is one segment) and its response schema. */
export type ResponseRoute = [method: string, path: string, schema: ResponseSchemaName];
