import Type from 'typebox';
import { MARKETPLACE_IDS, REGIONS } from '../marketplaces/marketplaces.js';
import { Ok } from './envelope.js';

/**
 * Schemas of the connection routes (docs/api.md#internal-api-internal-api-key, docs/oauth.md) and of
 * the OAuth callback. No schema here carries a secret out.
 */
const Id = (description: string) => Type.String({ minLength: 1, maxLength: 200, pattern: '^[A-Za-z0-9._:@-]+$', description });

export const RegionSchema = Type.Enum(REGIONS, { description: 'Selling region: NA (CA, US, MX, BR), EU (Europe, Middle East, India, South Africa) or FE (SG, AU, JP).',
});

export const BuyerParams = Type.Object({ buyer_id: Id('SellerShorts buyer.') });

export const AuthorizationIdParams = Type.Object({
  buyer_id: Id('SellerShorts buyer: the one who started the authorization and is signed in now.'),
  authorization_id: Type.String({
    pattern: '^azp_[A-Za-z0-9_-]{8,64}$',
    description: 'amazon_authorization from the OAuth callback redirect (or authorization_id from its answer).',
  }),
});

export const ConnectionItem = Type.Object({
  marketplace_id: Type.String(),
  region: RegionSchema,
  status: Type.Enum(['active', 'revoked'], {
    description: 'revoked: Amazon refused the refresh token (invalid_grant); the buyer must reconnect.',
  }),
  selling_partner_id: Type.String(),
});

export const ConnectionsData = Type.Object({
  connections: Type.Array(ConnectionItem, { description: "The buyer's connected marketplaces, default (first connected) first." }),
});

export const ConnectionsResponse = Ok(
  ConnectionsData,
  {
    examples: [
      {
        ok: true,
        data: {
          connections: [
            { marketplace_id: 'ATVPDKIKX0DER', region: 'NA', status: 'active', selling_partner_id: 'A1SANDBOXNA0001' },
            { marketplace_id: 'A2EUQ1WTGCTBG2', region: 'NA', status: 'active', selling_partner_id: 'A1SANDBOXNA0001' },
          ],
        },
      },
    ],
  },
);

export const ImportConnectionBody = Type.Object(
  {
    selling_partner_id: Type.String({ minLength: 1, maxLength: 100, pattern: '^[A-Za-z0-9]+$', description: "Amazon's merchant token of the seller." }),
    refresh_token: Type.String({ minLength: 1, maxLength: 2048, description: 'LWA refresh token (Atzr|…); stored encrypted, never returned.' }),
    region: RegionSchema,
  },
  { additionalProperties: false, examples: [{ selling_partner_id: 'A2SANDBOXEU0002', refresh_token: 'Atzr|sandbox-eu', region: 'EU' }] },
);

export const AuthorizeBody = Type.Object(
  {
    region: Type.Optional(RegionSchema),
    marketplace_id: Type.Optional(
      Type.Enum(MARKETPLACE_IDS, {
        description: "The seller's store: the consent URL is built on that store's own Seller Central host (e.g. sellercentral.amazon.in), and the region follows it. Without it, the region's host.",
      }),
    ),
    return_to: Type.Optional(
      Type.String({ maxLength: 2000, pattern: '^https?://', description: 'Where the callback redirects the seller when done.' }),
    ),
  },
  { additionalProperties: false, examples: [{ region: 'NA', return_to: 'https://app.sellershorts.example/connected' }, { marketplace_id: 'A21TJRUUN4KGV' }] },
);

export const AuthorizeResponse = Ok(
  Type.Object({
    authorize_url: Type.String({ description: 'Seller Central consent URL to send the seller to.' }),
    state: Type.String({ description: 'Signed, single-use; valid 10 minutes.' }),
    expires_at: Type.String({ format: 'date-time' }),
  }),
  {
    examples: [
      {
        ok: true,
        data: {
          authorize_url: 'https://sellercentral.amazon.com/apps/authorize/consent?application_id=amzn1.sp.solution.example&state=st_example',
          state: 'st_example',
          expires_at: '2026-11-29T17:20:00.000Z',
        },
      },
    ],
  },
);

export const PendingAuthorizationResponse = Ok(
  Type.Object({
    status: Type.Literal('PENDING_CONFIRMATION'),
    authorization_id: Type.String({ description: 'Pass to POST /internal/buyers/{buyer_id}/amazon/authorizations/{authorization_id}/confirm.' }),
    expires_at: Type.String({ format: 'date-time', description: 'Unconfirmed by then, it is discarded (10 minutes).' }),
  }),
  {
    description: 'Amazon authorized the app; nobody is connected until SellerShorts confirms it for the signed-in buyer.',
    examples: [
      {
        ok: true,
        data: { status: 'PENDING_CONFIRMATION', authorization_id: 'azp_3mYbT0fQe1n5Zr8KcW2vLpXa', expires_at: '2026-11-30T12:10:00.000Z' },
      },
    ],
  },
);

export const OAuthCallbackQuery = Type.Object({
  spapi_oauth_code: Type.String({ minLength: 1, maxLength: 2048 }),
  state: Type.String({ minLength: 1, maxLength: 512 }),
  selling_partner_id: Type.String({ minLength: 1, maxLength: 100, pattern: '^[A-Za-z0-9]+$' }),
  mws_auth_token: Type.Optional(Type.String({ maxLength: 2048, description: 'Hybrid MWS apps only; ignored.' })),
});
