import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';
import { buildTestApp, type TestApp } from '../helpers/app.js';

/** SECURITY_CONTACT: where to report a vulnerability, served as RFC 9116's security.txt. */
describe('SECURITY_CONTACT', () => {
  it('takes comma-separated mailto:, https: and tel: URIs, and nothing else', () => {
    expect(loadConfig({}).securityContact).toBeUndefined();
    expect(loadConfig({ SECURITY_CONTACT: 'mailto:security@example.com, https://example.com/report' }).securityContact).toEqual([
      'mailto:security@example.com',
      'https://example.com/report',
    ]);
    for (const wrong of ['security@example.com', 'http://example.com/report', 'mailto:nobody', 'mailto:a@b.example,,https://x.example']) {
      expect(() => loadConfig({ SECURITY_CONTACT: wrong }), wrong).toThrow(ConfigError);
      expect(() => loadConfig({ SECURITY_CONTACT: wrong }), wrong).toThrow(/securityContact/);
    }
  });
});

describe('GET /.well-known/security.txt', () => {
  let withContact: TestApp;
  let without: TestApp;
  beforeAll(async () => {
    withContact = await buildTestApp({ securityContact: ['mailto:security@example.com', 'https://example.com/report'] });
    without = await buildTestApp();
  });
  afterAll(async () => {
    await withContact?.close();
    await without?.close();
  });

  it('lists every contact with an Expires a week ahead (RFC 9116 §2.5.3, §2.5.5), as plain text', async () => {
    const before = Date.now();
    const response = await withContact.app.inject({ url: '/.well-known/security.txt' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('text/plain; charset=utf-8');
    const lines = response.body.trimEnd().split('\n');
    expect(lines.filter((l) => l.startsWith('Contact: '))).toEqual(['Contact: mailto:security@example.com', 'Contact: https://example.com/report']);
    const expires = lines.find((l) => l.startsWith('Expires: '))?.slice('Expires: '.length);
    expect(expires).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    const ahead = Date.parse(expires!) - before;
    expect(ahead).toBeGreaterThan(6 * 86_400_000);
    expect(ahead).toBeLessThanOrEqual(7 * 86_400_000 + 60_000);
  });

  it('is absent without SECURITY_CONTACT (404 like any unknown route), and not part of the API document', async () => {
    const response = await without.app.inject({ url: '/.well-known/security.txt' });
    expect(response.statusCode).toBe(404);
    expect(response.json()).toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST' } });
    const document = (await withContact.app.inject({ url: '/openapi.json' })).json() as { paths: Record<string, unknown> };
    expect(Object.keys(document.paths)).not.toContain('/.well-known/security.txt');
  });
});
