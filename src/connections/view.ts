import type { Region } from '../marketplaces/marketplaces.js';
import type { Connection } from './types.js';

/** A connection as the internal API shows it: never a secret. */
export interface ConnectionView {
  marketplace_id: string;
  region: Region;
  status: 'active' | 'revoked';
  selling_partner_id: string;
}

export const connectionView = (c: Connection): ConnectionView => ({
  marketplace_id: c.marketplaceId,
  region: c.region,
  status: c.status,
  selling_partner_id: c.sellingPartnerId,
});
