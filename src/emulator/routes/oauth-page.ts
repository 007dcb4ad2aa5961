import { SCOPE_WORDS, type OAuthScope } from '../domain/oauth-scopes.js';

const escape = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const STYLE = `
  body { font: 16px/1.5 system-ui, sans-serif; background: #f4f5f7; color: #1a1a1a; margin: 0; }
  main { max-width: 34rem; margin: 3rem auto; background: #fff; border-radius: 12px; padding: 2rem; box-shadow: 0 2px 12px #0002; }
  h1 { font-size: 1.4rem; margin-top: 0; }
  .note { color: #555; font-size: .9rem; background: #fff8e1; padding: .5rem .75rem; border-radius: 6px; }
  fieldset { border: 1px solid #ddd; border-radius: 8px; margin: 1rem 0; }
  label { display: block; padding: .35rem 0; cursor: pointer; }
  .id { color: #777; font-family: monospace; font-size: .85rem; }
  ul { padding-left: 1.2rem; }
  .buttons { display: flex; gap: 1rem; justify-content: flex-end; margin-top: 1.5rem; }
  button { font-size: 1rem; padding: .6rem 1.4rem; border-radius: 6px; border: 1px solid #bbb; background: #fff; cursor: pointer; }
  button[value=allow] { background: #006aff; border-color: #006aff; color: #fff; }
`;

function page(lang: string, title: string, body: string): string {
  return `<!doctype html>
<html lang="${escape(lang)}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escape(title)}</title><style>${STYLE}</style></head>
<body><main>${body}</main></body></html>`;
}

export interface AuthorizePageInput {
  applicationName: string;
  sellers: Array<{ merchantId: string; businessName: string }>;
  scopes: readonly OAuthScope[];
  /** The request's own parameters, sent back with the seller's choice. */
  hidden: Record<string, string | undefined>;
  locale: string;
  /** `session=false`: Square would make the seller sign in again. */
  signInAgain: boolean;
}

/** Square's permission page, emulated: pick a seller, read what the application asks for, Allow or Deny. */
export function authorizePage(input: AuthorizePageInput): string {
  const sellers = input.sellers
    .map(
      (seller, i) =>
        `<label><input type="radio" name="merchant_id" value="${escape(seller.merchantId)}"${i === 0 ? ' checked' : ''}> ` +
        `${escape(seller.businessName)} <span class="id">${escape(seller.merchantId)}</span></label>`,
    )
    .join('\n');
  const scopes = input.scopes
    .map((scope) => `<li>${escape(SCOPE_WORDS[scope] ?? scope)} <span class="id">${escape(scope)}</span></li>`)
    .join('\n');
  const hidden = Object.entries(input.hidden)
    .filter(([, value]) => value !== undefined)
    .map(([name, value]) => `<input type="hidden" name="${escape(name)}" value="${escape(value!)}">`)
    .join('\n');
  const note = input.signInAgain
    ? 'Square would ask the seller to sign in again here (session=false). The emulator has no passwords: choose the seller.'
    : 'Square emulator: no sign-in. Choose the seller who grants access.';
  return page(
    input.locale,
    `Authorize ${input.applicationName}`,
    `<h1>${escape(input.applicationName)} would like to access your Square account</h1>
<p class="note">${escape(note)}</p>
<form method="post" action="/oauth2/authorize">
${hidden}
<fieldset><legend>Seller</legend>
${sellers}
</fieldset>
<p>${escape(input.applicationName)} will be able to:</p>
<ul>
${scopes}
</ul>
<div class="buttons">
<button type="submit" name="decision" value="deny">Deny</button>
<button type="submit" name="decision" value="allow">Allow</button>
</div>
</form>`,
  );
}

/** What Square shows instead of redirecting when the request itself is wrong: there is no trusted place to send the seller. */
export function authorizeErrorPage(detail: string): string {
  return page('en', 'Authorization error', `<h1>This authorization request cannot be completed</h1><p>${escape(detail)}</p>`);
}
