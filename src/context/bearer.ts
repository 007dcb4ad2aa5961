/** The token of an `Authorization: Bearer <token>` header, however it is capitalised and spaced. */
export function bearerToken(authorization: string | null | undefined): string | undefined {
  return /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '')?.[1];
}
