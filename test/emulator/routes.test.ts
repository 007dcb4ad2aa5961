import Fastify, { type FastifyInstance } from 'fastify';
import { describe, expect, it } from 'vitest';
import { ROUTE_SCOPES, SQUARE_APIS, squareApiRoutes } from '../../src/emulator/routes/index.js';
import { OAUTH_RESPONSES, registerOAuth } from '../../src/emulator/routes/oauth.js';
import { useEmulator } from '../support/emulator.js';

const t = useEmulator();

/** The routes `plugin` registers, as `METHOD /path` (without the HEAD twin Fastify adds to every GET route). */
async function routesOf(plugin: (app: FastifyInstance) => void | Promise<void>, prefix = ''): Promise<string[]> {
  const app = Fastify();
  const routes: string[] = [];
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) if (method !== 'HEAD') routes.push(`${method} ${route.url}`);
  });
  await app.register(async (inner) => plugin(inner), { prefix });
  await app.ready();
  await app.close();
  return routes.sort();
}

describe('route modules', () => {
  it('state exactly the endpoints they register, each with its answer schema and OAuth permissions', async () => {
    for (const api of SQUARE_APIS) {
      const routes = await routesOf((app) => api.register(app, t.emulator.ctx));
      expect({ module: api.register.name, routes }).toEqual({ module: api.register.name, routes: Object.keys(api.endpoints).sort() });
    }
  });

  it('give every /v2 route its OAuth permissions, the paths answered "No such endpoint" included', async () => {
    const routes = await routesOf(squareApiRoutes(t.emulator.ctx), '/v2');
    expect(routes.length).toBeGreaterThan(90);
    expect(routes).toEqual(Object.keys(ROUTE_SCOPES).sort());
  });

  it('give every OAuth API call that answers JSON its schema', async () => {
    const routes = await routesOf((app) => registerOAuth(app, t.emulator.ctx));
    expect(routes.filter((route) => !(route in OAUTH_RESPONSES))).toEqual(['GET /authorize', 'POST /authorize']);
    expect(Object.keys(OAUTH_RESPONSES).filter((route) => !routes.includes(route))).toEqual([]);
  });
});
