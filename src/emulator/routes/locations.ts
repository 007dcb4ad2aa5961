import type { FastifyInstance } from 'fastify';
import type { EmulatorContext } from '../context.js';
import { errors } from '../errors.js';

/** Locations API: list (not paginated) and retrieve, where `main` names the merchant's first location. */
export function registerLocations(app: FastifyInstance, ctx: EmulatorContext): void {
  const { locations } = ctx.stores;

  app.get('/locations', async (request) => ({
    locations: locations.all(request.merchant.id).map((s) => s.doc),
  }));

  app.get<{ Params: { location_id: string } }>('/locations/:location_id', async (request) => {
    const merchantId = request.merchant.id;
    const { location_id: id } = request.params;
    const location = id === 'main' ? locations.all(merchantId)[0]?.doc : locations.get(merchantId, id);
    if (!location) throw errors.notFound(`Location with id ${id} not found.`, 'location_id');
    return { location };
  });
}
