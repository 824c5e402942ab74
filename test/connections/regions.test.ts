import { describe, expect, it } from 'vitest';
import { callCapability, mintToken } from '../helpers/app.js';
import { useBroker } from '../helpers/harness.js';
import { importConnection, listConnectionsHttp, newBuyer } from './support.js';

const SELLERS = [
  { region: 'NA', selling_partner_id: 'A1SANDBOXNA0001', refresh_token: 'Atzr|sandbox-na', marketplaces: ['ATVPDKIKX0DER', 'A2EUQ1WTGCTBG2', 'A1AM78C64UM0Y8'] },
  { region: 'EU', selling_partner_id: 'A2SANDBOXEU0002', refresh_token: 'Atzr|sandbox-eu', marketplaces: ['A1F83G8C2ARO7P', 'A1PA6795UKMFR9', 'A13V1IB3VIYZZH'] },
  { region: 'FE', selling_partner_id: 'A3SANDBOXFE0003', refresh_token: 'Atzr|sandbox-fe', marketplaces: ['A1VC38T7YXB528'] },
] as const;

describe('three regions, three hosts', () => {
  const t = useBroker({ simulator: { regional: true } });


  it('connects one buyer in NA, EU and FE and routes each marketplace to its region’s host', async () => {
    expect(new Set(Object.values(t.sim.endpoints)).size).toBe(3);
    const buyer = newBuyer();
    for (const seller of SELLERS) {
      t.sim.stats.reset();
      const { region, selling_partner_id, refresh_token } = seller;
      const response = await importConnection(t, buyer, { region, selling_partner_id, refresh_token });
      expect(response.statusCode, response.body).toBe(201);
      expect(response.json().data.connections.map((c: { marketplace_id: string }) => c.marketplace_id)).toEqual(seller.marketplaces);
      const call = t.sim.stats.requests.find((r) => r.operation === 'getMarketplaceParticipations')!;
      expect(`http://${call.headers.host}`).toBe(t.sim.endpoints[seller.region]);
    }
    const listed = (await listConnectionsHttp(t, buyer)).json().data.connections as { marketplace_id: string; region: string }[];
    expect(listed.map((c) => c.marketplace_id)).toEqual(SELLERS.flatMap((s) => s.marketplaces));

    const { jobToken } = await mintToken(t, { buyerId: buyer, capabilities: ['connect.status'] });
    // Default marketplace: the first one connected (US).
    const byDefault = await callCapability(t.app, jobToken, 'connect.status');
    expect(byDefault.json().meta).toMatchObject({ marketplace_id: 'ATVPDKIKX0DER', region: 'NA' });
    for (const seller of SELLERS) {
      const status = await callCapability(t.app, jobToken, 'connect.status', { marketplace_id: seller.marketplaces[0] });
      expect(status.statusCode, status.body).toBe(200);
      expect(status.json().meta.region).toBe(seller.region);
      expect(status.json().data.selling_partner_id).toBe(seller.selling_partner_id);
      expect(status.json().data.marketplaces.map((m: { marketplace_id: string }) => m.marketplace_id)).toEqual(seller.marketplaces);
      expect(status.json().data.marketplaces.every((m: { region: string }) => m.region === seller.region)).toBe(true);
    }
  });

  it('a seller without a marketplace in the region is refused', async () => {
    const response = await importConnection(t, newBuyer(), { selling_partner_id: 'A3SANDBOXFE0003', refresh_token: 'Atzr|sandbox-fe', region: 'EU' });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.code).toBe('INVALID_REQUEST');
  });
});
