import { builder } from '../../schema/builder.js';
import { CatalogImageRef } from './refs.js';

const imageData = (o: { type: string; imageData?: { name?: string | null; url?: string | null; caption?: string | null } }) =>
  o.type === 'IMAGE' ? o.imageData : undefined;

builder.objectType(CatalogImageRef, {
  authScopes: { ITEMS_READ: true },
  description: 'A picture of a catalog item, hosted by Square.',
  fields: (t) => ({
    squareId: t.string({ nullable: false, description: 'Square’s own id for this image.', resolve: (i) => i.id! }),
    name: t.string({ nullable: true, description: 'The image’s name.', resolve: (i) => imageData(i)?.name ?? null }),
    url: t.string({ nullable: true, description: 'Where the image file can be fetched.', resolve: (i) => imageData(i)?.url ?? null }),
    caption: t.string({ nullable: true, description: 'A caption for the image, e.g. its alt text.', resolve: (i) => imageData(i)?.caption ?? null }),
  }),
});
