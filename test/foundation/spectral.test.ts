import { describe, expect, it } from 'vitest';
import spectralCore from '@stoplight/spectral-core';
import spectralRulesets from '@stoplight/spectral-rulesets';
import { Json } from '@stoplight/spectral-parsers';
import { buildTestApp } from '../helpers/app.js';

/** Spectral's standard OpenAPI ruleset (`spectral lint` with spectral:oas) finds nothing in the served document. */
describe('OpenAPI lint', () => {
  it('spectral:oas reports nothing on /openapi.json', async () => {
    const testApp = await buildTestApp();
    try {
      const document = (await testApp.app.inject({ url: '/openapi.json' })).json() as Record<string, unknown>;
      const spectral = new spectralCore.Spectral();
      // What `spectral lint --ruleset spectral:oas` applies: the ruleset's recommended rules.
      spectral.setRuleset({ extends: [spectralRulesets.oas] } as never);
      const results = await spectral.run(new spectralCore.Document(JSON.stringify(document), Json, 'openapi.json'));
      const findings = results.map((r) => `${r.code} ${r.path.join('.')}: ${r.message}`);
      expect(findings).toEqual([]);
    } finally {
      await testApp.close();
    }
  });
});
