import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { generateOpenApiYaml } from '../../src/openapi.js';
import { buildTestApp } from '../helpers/app.js';

describe('openapi.yaml', () => {
  it('is identical to the document generated from the routes (run `npm run openapi` after changing a route)', async () => {
    const committed = await readFile(new URL('../../openapi.yaml', import.meta.url), 'utf8');
    expect(committed).toBe(await generateOpenApiYaml());
  });

  it('documents every public route with the error envelope', async () => {
    const doc = parse(await readFile(new URL('../../openapi.yaml', import.meta.url), 'utf8')) as {
      paths: Record<string, Record<string, { responses: Record<string, unknown> }>>;
      components: { schemas: Record<string, unknown>; securitySchemes: Record<string, unknown> };
    };
    for (const path of ['/api/capabilities', '/internal/job-tokens', '/internal/job-tokens/{token_id}', '/internal/orders/{order_id}', '/internal/audit', '/healthz', '/readyz']) {
      expect(doc.paths[path], path).toBeDefined();
    }
    expect(doc.components.schemas.ErrorEnvelope).toBeDefined();
    expect(Object.keys(doc.components.securitySchemes)).toEqual(['jobToken', 'internalKey']);
    expect(JSON.stringify(doc.paths['/api/capabilities']?.post?.responses['429'])).toContain('ErrorEnvelope');
  });

  it('is served at /openapi.json, with the interactive reference at /docs', async () => {
    const testApp = await buildTestApp();
    try {
      const json = await testApp.app.inject({ url: '/openapi.json' });
      expect(json.statusCode).toBe(200);
      const committed = parse(await readFile(new URL('../../openapi.yaml', import.meta.url), 'utf8')) as unknown;
      expect(json.json()).toEqual(committed);
      const docs = await testApp.app.inject({ url: '/docs/' });
      expect(docs.statusCode).toBe(200);
      expect(docs.headers['content-type']).toContain('text/html');
    } finally {
      await testApp.close();
    }
  });
});
