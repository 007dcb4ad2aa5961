import { escapeHtml } from './html.js';

/**
 * The pages a person sees at the end of connecting a seller: the seller's business connected,
 * or what went wrong and what to do about it. Plain HTML with its style inline and no script,
 * so that the strict Content-Security-Policy they are sent with allows nothing else.
 */

const STYLE = `
  body { font: 16px/1.5 system-ui, sans-serif; background: #f4f5f7; color: #1a1a1a; margin: 0; }
  main { max-width: 36rem; margin: 3rem auto; background: #fff; border-radius: 12px; padding: 2rem 2.25rem; box-shadow: 0 2px 12px #0002; }
  h1 { font-size: 1.45rem; margin: 0 0 .75rem; display: flex; align-items: center; gap: .6rem; }
  .mark { flex: none; width: 2rem; height: 2rem; border-radius: 50%; color: #fff; display: inline-flex; align-items: center; justify-content: center; font-size: 1.1rem; }
  .ok .mark { background: #1a7f37; }
  .refused .mark { background: #c62828; }
  dl { display: grid; grid-template-columns: max-content 1fr; gap: .35rem 1rem; margin: 1.25rem 0; }
  dt { color: #555; }
  dd { margin: 0; }
  code { font-family: ui-monospace, monospace; font-size: .9rem; background: #f1f1f1; padding: .05rem .3rem; border-radius: 4px; }
  ul { margin: .25rem 0 0; padding-left: 1.2rem; }
  .next { background: #f6f8fa; border-radius: 8px; padding: .75rem 1rem; }
  a.button { display: inline-block; margin-top: 1rem; padding: .55rem 1.2rem; border-radius: 6px; background: #006aff; color: #fff; text-decoration: none; }
`;

function page(kind: 'ok' | 'refused', title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title><style>${STYLE}</style></head>
<body><main class="${kind}">
<h1><span class="mark" aria-hidden="true">${kind === 'ok' ? '✓' : '✕'}</span>${escapeHtml(title)}</h1>
${body}
</main></body></html>`;
}

export interface ConnectedSeller {
  merchantId: string;
  businessName: string | null;
  scopes: readonly string[];
}

/** The seller's business is connected: who it is, and what the gateway may now do for it. Never a token. */
export function connectedPage(seller: ConnectedSeller): string {
  const name = seller.businessName ?? 'Your Square business';
  const scopes = seller.scopes.map((scope) => `<li><code>${escapeHtml(scope)}</code></li>`).join('');
  return page(
    'ok',
    `${name} is connected`,
    `<p>Square confirmed the authorization: the gateway can now act for this seller within the permissions below.</p>
<dl>
<dt>Business</dt><dd>${escapeHtml(name)}</dd>
<dt>Square merchant id</dt><dd><code>${escapeHtml(seller.merchantId)}</code></dd>
<dt>Permissions</dt><dd><ul>${scopes}</ul></dd>
</dl>
<p class="next">Its tokens are stored encrypted and renewed by the gateway. You can close this window.
The seller can end the connection at any time in Square's Dashboard (Apps).</p>`,
  );
}

export interface Refusal {
  status: number;
  title: string;
  /** What happened, in a sentence or two. */
  explanation: string;
  /** Whether starting over can help (it cannot when the gateway itself is misconfigured). */
  startAgain: boolean;
}

/** A connection that did not happen: what went wrong, that nothing was stored, and the way back to the start. */
export function refusalPage(refusal: Refusal, connectPath: string): string {
  return page(
    'refused',
    refusal.title,
    `<p>${escapeHtml(refusal.explanation)}</p>
<p class="next">Nothing was stored: no seller was connected.${refusal.startAgain ? ' To connect a seller, start again from the beginning.' : ''}</p>
${refusal.startAgain ? `<a class="button" href="${escapeHtml(connectPath)}">Start again</a>` : ''}`,
  );
}
