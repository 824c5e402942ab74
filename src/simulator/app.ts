/** One Fastify instance = one simulated SP-API host (plus LWA, documents and the control API). */
import Fastify, { type FastifyInstance } from 'fastify';
import { registerControl } from './control.js';
import { errorBody } from './errors.js';
import { registerLwa } from './lwa.js';
import { registerAplus } from './routes/aplus.js';
import { registerCatalog } from './routes/catalog.js';
import { registerDocuments } from './routes/documents.js';
import { registerFeeds } from './routes/feeds.js';
import { registerListings } from './routes/listings.js';
import { registerReports } from './routes/reports.js';
import { registerSales } from './routes/sales.js';
import { registerSellers } from './routes/sellers.js';
import { registerUploads } from './routes/uploads.js';
import { registerSolicitations } from './routes/solicitations.js';
import type { Host, Sim } from './sim.js';

export function buildHostApp(sim: Sim, host: Host, addSeller: Parameters<typeof registerControl>[2], logger = false): FastifyInstance {
  const app = Fastify({ logger, bodyLimit: 200 * 1024 * 1024, routerOptions: { maxParamLength: 2000 }, forceCloseConnections: true, return503OnClosing: false });
  // Keep every body as raw bytes: handlers parse JSON / forms themselves and tests see the raw body.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));

  registerLwa(app, sim);
  registerSellers(app, sim, host);
  registerListings(app, sim, host);
  registerCatalog(app, sim, host);
  registerSales(app, sim, host);
  registerReports(app, sim, host);
  registerFeeds(app, sim, host);
  registerAplus(app, sim, host);
  registerUploads(app, sim, host);
  registerSolicitations(app, sim, host);
  registerDocuments(app, sim);
  registerControl(app, sim, addSeller);

  app.setNotFoundHandler((_req, reply) => {
    reply.code(404).header('content-type', 'application/json').send(JSON.stringify(errorBody([{ code: 'NotFound', message: 'The requested resource was not found.', details: '' }], false)));
  });
  app.setErrorHandler((err: { statusCode?: number; message: string }, _req, reply) => {
    const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500;
    const code = status === 413 ? 'RequestEntityTooLarge' : status < 500 ? 'InvalidInput' : 'InternalFailure';
    reply.code(status).header('content-type', 'application/json').send(JSON.stringify(errorBody([{ code, message: err.message, details: '' }], false)));
  });
  return app;
}
