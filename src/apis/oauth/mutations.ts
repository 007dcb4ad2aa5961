import { GraphQLError } from 'graphql';
import { squareFailure } from '../../square/errors.js';
import { builder } from '../../schema/builder.js';
import { NotFoundError } from '../../schema/errors.js';
import { mutationErrors } from '../../schema/write.js';
import { ConnectedSellerRef } from './refs.js';
import { partnerSellers } from './seller.js';

const DisconnectSellerInput = builder.inputType('DisconnectSellerInput', {
  description: 'The connected seller to disconnect.',
  fields: (t) => ({
    merchantId: t.string({ required: true, description: 'Square’s id of the seller (ConnectedSeller.merchantId).' }),
  }),
});

builder.mutationFields((t) => ({
  disconnectSeller: t.field({
    type: ConnectedSellerRef,
    description:
      'Revokes the application’s access to a connected seller at Square (Square RevokeToken: every token of the seller’s authorization), then forgets its tokens: the seller is DISCONNECTED (DISCONNECTED_BY_PARTNER) and must connect again. A seller disconnected already is answered as it is. Partner keys only; when Square cannot revoke, the seller stays connected and the error says why. A gateway connecting sellers as a public client (PKCE, no application secret) cannot revoke, as Square takes the secret: it only forgets the tokens.',
    errors: mutationErrors('disconnectSeller', [NotFoundError], { name: 'seller', description: 'The seller as it is now: DISCONNECTED.' }),
    args: { input: t.arg({ type: DisconnectSellerInput, required: true, description: 'Which seller.' }) },
    resolve: async (_root, { input }, ctx) => {
      const sellers = partnerSellers(ctx);
      const { merchantId } = input;
      if (!sellers.allows(merchantId)) throw new GraphQLError('This API key may not act for this seller.', { extensions: { code: 'FORBIDDEN' } });
      if (!(await sellers.find(merchantId))) throw new NotFoundError('No seller with this merchant id has connected to this gateway.', 'input.merchantId');
      try {
        return await sellers.disconnect(merchantId);
      } catch (error) {
        throw squareFailure(error);
      }
    },
  }),
}));
