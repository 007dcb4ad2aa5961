/**
 * graphql-js runs a cross-realm check beside every `instanceof` of its own classes unless
 * NODE_ENV is `production` (3–4% of a warm page's CPU), and decides so when it is first
 * loaded: this module is main.ts's first import. A NODE_ENV the caller set (vitest's `test`,
 * `development` for yoga's unmasked errors) is kept.
 */
process.env.NODE_ENV ??= 'production';
