/** The token of an `Authorization: Bearer …` header: each token is a merchant, in Square's API and the control plane alike. */
export function bearerToken(authorization: string | undefined): string | undefined {
  return /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '')?.[1];
}
