import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { useTestApp } from '../helpers/harness.js';

/** ops/grafana/broker.json and ops/prometheus/alerts.yml name only metrics the broker exports. */
const ROOT = path.resolve(import.meta.dirname, '../..');
const read = (file: string) => readFileSync(path.join(ROOT, file), 'utf8');

const PROMQL_WORDS = new Set([
  'sum', 'min', 'max', 'avg', 'count', 'rate', 'irate', 'increase', 'delta', 'abs', 'histogram_quantile', 'clamp_min', 'clamp_max',
  'topk', 'bottomk', 'by', 'without', 'or', 'and', 'unless', 'on', 'ignoring', 'group_left', 'group_right', 'bool', 'offset',
]);
/** Series Prometheus itself provides for every scrape target. */
const PROMETHEUS_SERIES = new Set(['up']);

/** The metric names in a PromQL expression: identifiers that are not functions, keywords or labels. */
function metricNames(expr: string): string[] {
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, '')
    .replace(/\b(by|without|on|ignoring)\s*\([^)]*\)/g, '')
    .replace(/\[[^\]]*\]/g, '')
    .replace(/(?<![A-Za-z0-9_:])\d[\d.]*(?:e[+-]?\d+)?/gi, '');
  return [...stripped.matchAll(/[A-Za-z_:][A-Za-z0-9_:]*/g)].map((m) => m[0]).filter((word) => !PROMQL_WORDS.has(word));
}

const dashboard = JSON.parse(read('ops/grafana/broker.json')) as { panels: { title: string; targets: { expr: string }[] }[] };
const alerts = parse(read('ops/prometheus/alerts.yml')) as { groups: { rules: { alert: string; expr: string }[] }[] };
const dashboardExprs = dashboard.panels.flatMap((panel) => panel.targets.map((target) => target.expr));
const alertRules = alerts.groups.flatMap((group) => group.rules);

const testApp = useTestApp();
let exported: Set<string>;
beforeAll(async () => {
  const text = (await testApp.app.inject({ url: '/metrics' })).body;
  exported = new Set(PROMETHEUS_SERIES);
  for (const [, name, type] of text.matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
    exported.add(name!);
    if (type === 'histogram') for (const suffix of ['_bucket', '_sum', '_count']) exported.add(`${name}${suffix}`);
    if (type === 'summary') for (const suffix of ['_sum', '_count']) exported.add(`${name}${suffix}`);
  }
});

describe('dashboards and alerts', () => {
  it('name only metrics the broker exports', () => {
    const named = new Set([...dashboardExprs, ...alertRules.map((rule) => rule.expr)].flatMap(metricNames));
    expect(named.size).toBeGreaterThan(10);
    expect([...named].filter((name) => !exported.has(name))).toEqual([]);
  });

  it('the dashboard shows what operators asked for', () => {
    const named = new Set(dashboardExprs.flatMap(metricNames));
    for (const metric of [
      'broker_capability_calls_total',
      'broker_http_request_duration_seconds_bucket',
      'broker_spapi_call_duration_seconds_count',
      'broker_quota_wait_seconds_bucket',
      'broker_lwa_refreshes_total',
      'broker_confirmations_total',
      'broker_audit_queue_depth',
      'nodejs_eventloop_lag_p99_seconds',
      'process_resident_memory_bytes',
    ]) {
      expect(named, metric).toContain(metric);
    }
    expect(dashboardExprs.some((expr) => expr.includes('histogram_quantile(0.99') && expr.includes('/api/capabilities'))).toBe(true);
    expect(dashboardExprs.some((expr) => expr.includes('status="429"'))).toBe(true);
  });

  it('alert on error rate, upstream 429s, LWA failures, Redis degraded, audit overflow and readiness', () => {
    const byName = new Map(alertRules.map((rule) => [rule.alert, metricNames(rule.expr)]));
    expect(byName.get('BrokerErrorRate')).toContain('broker_capability_calls_total');
    expect(byName.get('BrokerAmazonThrottling')).toContain('broker_spapi_call_duration_seconds_count');
    expect(byName.get('BrokerLwaRefreshFailures')).toContain('broker_lwa_refreshes_total');
    expect(byName.get('BrokerRedisDegraded')).toContain('broker_quota_degraded');
    expect(byName.get('BrokerAuditOverflow')).toContain('broker_audit_events_dropped_total');
    expect(byName.get('BrokerLogsLost')).toEqual(['broker_log_lines_dropped_total', 'broker_log_write_failures_total']);
    expect(byName.get('BrokerNotReady')).toContain('broker_ready');
  });

  it('a metric the broker does not export is caught', () => {
    expect(metricNames('sum by (operation) (rate(broker_made_up_total{status="429"}[5m])) / clamp_min(x_total, 1e-9) > 0.5')).toEqual(['broker_made_up_total', 'x_total']);
  });

  it('exports readiness and the audit queue with values', async () => {
    const text = (await testApp.app.inject({ url: '/metrics' })).body;
    expect(text).toMatch(/^broker_ready\{check="database"\} 1$/m);
    expect(text).toMatch(/^broker_quota_degraded 0$/m);
    expect(text).toMatch(/^broker_audit_queue_depth \d+$/m);
    expect(text).toMatch(/^broker_log_lines_dropped_total 0$/m);
  });
});

describe('docker compose --profile monitoring', () => {
  const compose = parse(read('docker-compose.yml')) as { services: Record<string, { profiles?: string[]; volumes?: string[] }> };
  it('starts Prometheus and Grafana with these files, only when asked', () => {
    for (const name of ['prometheus', 'grafana']) {
      const service = compose.services[name];
      expect(service?.profiles).toEqual(['monitoring']);
      for (const volume of service?.volumes ?? []) expect(existsSync(path.join(ROOT, volume.split(':')[0]!)), volume).toBe(true);
    }
    const scraped = parse(read('ops/prometheus/prometheus.yml')) as { rule_files: string[]; scrape_configs: { static_configs: { targets: string[] }[] }[] };
    expect(scraped.rule_files).toEqual(['/etc/prometheus/alerts.yml']);
    const targets = scraped.scrape_configs.flatMap((c) => c.static_configs.flatMap((s) => s.targets.map((t) => t.split(':')[0])));
    for (const target of targets) expect(Object.keys(compose.services)).toContain(target);
  });
});
