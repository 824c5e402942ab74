import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { componentBase } from '../../src/api-docs/capabilities.js';
import { CAPABILITY_NAMES } from '../../src/capabilities/index.js';
import { ERROR_CODES } from '../../src/errors.js';
import { generateOpenApiYaml } from '../../src/openapi.js';
import { buildTestApp } from '../helpers/app.js';

describe('openapi.yaml', () => {
  it('is identical to the document generated from the routes (run `npm run openapi` after changing a route)', async () => {
    const committed = await readFile(new URL('../../openapi.yaml', import.meta.url), 'utf8');
    // A test database instead of the generator's own in-memory one, which would cost a PGlite start.
    const testApp = await buildTestApp();
    try {
      expect(committed).toBe(await generateOpenApiYaml({ db: testApp.app.services.db }));
    } finally {
      await testApp.close();
    }
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

  it('documents POST /api/capabilities per capability: params, working examples, answer; every error with its own example', async () => {
    const doc = parse(await readFile(new URL('../../openapi.yaml', import.meta.url), 'utf8')) as {
      openapi: string;
      paths: Record<string, Record<string, { requestBody?: any; responses: Record<string, any> }>>;
      components: { schemas: Record<string, any> };
    };
    expect(doc.openapi).toBe('3.1.0');
    const call = doc.paths['/api/capabilities']?.post;
    const media = call?.requestBody.content['application/json'];
    expect(media.schema.discriminator.propertyName).toBe('capability');
    expect(Object.keys(media.schema.discriminator.mapping)).toEqual(CAPABILITY_NAMES);
    expect(media.schema.oneOf).toHaveLength(CAPABILITY_NAMES.length);
    for (const name of CAPABILITY_NAMES) {
      const schema = doc.components.schemas[`${componentBase(name)}Call`];
      expect(schema.properties.capability.const).toBe(name);
      expect(schema.properties.params.properties, name).toBeDefined();
      expect(schema.examples.length, name).toBeGreaterThan(0);
      expect(Object.values(media.examples).some((e: any) => e.value.capability === name), name).toBe(true);
      expect(doc.components.schemas[`${componentBase(name)}Answer`].properties.data, name).toBeDefined();
    }
    expect(call?.responses['200'].content['application/json'].schema.anyOf).toHaveLength(CAPABILITY_NAMES.length);
    const codes = new Set<string>();
    for (const status of ['400', '401', '403', '404', '409', '413', '422', '429', '500', '502']) {
      const examples = call?.responses[status].content['application/json'].examples as Record<string, { value: { error: { code: string } } }>;
      for (const example of Object.values(examples)) codes.add(example.value.error.code);
    }
    expect([...codes].sort()).toEqual([...ERROR_CODES].sort());
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
