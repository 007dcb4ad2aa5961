import type { FastifyInstance } from 'fastify';

/** The token whose merchant holds the demo data; `npm start` uses it. */
export const DEMO_TOKEN = 'EMULATOR-DEMO-TOKEN';

export async function seedDemoData(app: FastifyInstance): Promise<void> {
  await app.inject({ method: 'GET', url: '/v2/locations', headers: { authorization: `Bearer ${DEMO_TOKEN}` } });
}
