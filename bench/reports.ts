import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { startSimulator } from '../src/simulator/index.js';
import { searchTermsRow } from '../src/simulator/report-search-terms.js';
import { BROKER_NODE_FLAGS } from '../src/cluster.js';
import { brokerEnv, createBenchDatabase, postJson, startBrokerProcess } from './support.js';

/**
 * bench/reports: the broker's memory while a very large report streams. The simulator serves a
 * Brand Analytics search terms report of BENCH_REPORT_MB (default 200) MB of JSON, generated and
 * gzipped as it is read; one broker process fetches it through analytics.fetch. The broker's RSS is
 * sampled from /proc every 100 ms: it must stay flat (target: peak under 300 MB) because the
 * document is streamed through gunzip into a streaming JSON parser and only a bounded slice is kept.
 */
const REPORT_MB = Number(process.env.BENCH_REPORT_MB ?? 200);
const DAY = 86_400_000;

async function rssMbOf(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN);
  return kb / 1024;
}

/** The last Sunday–Saturday week that is over in UTC. */
function lastWholeWeek(now = Date.now()) {
  const today = Math.floor(now / DAY) * DAY;
  const saturday = today - (((new Date(today).getUTCDay() + 1) % 7) || 7) * DAY;
  const iso = (ms: number) => new Date(ms).toISOString().slice(0, 10);
  return { start_date: iso(saturday - 6 * DAY), end_date: iso(saturday) };
}

export async function runReportsBench() {
  const rowBytes = JSON.stringify(searchTermsRow(123_456, 1_000_000, 'Amazon.com', [])).length + 1;
  const rows = Math.ceil((REPORT_MB * 1024 * 1024) / rowBytes);
  const sim = await startSimulator({ reportTimings: { inQueueMs: 100, inProgressMs: 200 }, searchTermsRows: rows });
  const database = await createBenchDatabase();
  const internalKey = `bench-${randomBytes(16).toString('hex')}`;
  // Production runs the compiled broker (`npm start`: node, its flags, dist/server.js); so does this benchmark, when built.
  const compiled = existsSync('dist/server.js');
  const broker = await startBrokerProcess(brokerEnv(sim, database.url, internalKey), { compiled });
  const pid = broker.child.pid!;
  let peak = 0;
  const sampler = setInterval(() => void rssMbOf(pid).then((mb) => (peak = Math.max(peak, mb))), 100);
  try {
    const internal = { authorization: `Bearer ${internalKey}` };
    const imported = await postJson(`${broker.url}/internal/buyers/buyer-1/amazon/connections`, { selling_partner_id: 'A1SANDBOXNA0001', refresh_token: 'Atzr|sandbox-na', region: 'NA' }, internal);
    if (imported.status !== 201) throw new Error(`import failed: ${JSON.stringify(imported.body)}`);
    const minted = await postJson(`${broker.url}/internal/job-tokens`, { order_id: 'order-1', buyer_id: 'buyer-1', tool_id: 'bench', capabilities: ['analytics.fetch'] }, internal);
    const auth = { authorization: `Bearer ${(minted.body.data as { job_token: string }).job_token}` };
    const rssBefore = await rssMbOf(pid);
    const started = performance.now();
    let params: Record<string, unknown> = { report_type: 'brand_analytics_search_terms', ...lastWholeWeek(), wait_seconds: 55 };
    let data: Record<string, unknown>;
    for (;;) {
      const response = await postJson(`${broker.url}/api/capabilities`, { capability: 'analytics.fetch', provider: 'amazon', params }, auth);
      if (response.status !== 200) throw new Error(`analytics.fetch failed: ${JSON.stringify(response.body)}`);
      data = response.body.data as Record<string, unknown>;
      if (data.status === 'DONE') break;
      params = { report_id: data.report_id, wait_seconds: 55 };
    }
    const seconds = (performance.now() - started) / 1000;
    const answerBytes = JSON.stringify(data).length;
    return {
      broker: compiled ? `node ${BROKER_NODE_FLAGS.join(' ')} dist/server.js` : 'tsx src/server.ts (run npm run build to measure the compiled broker)',
      report_mb: REPORT_MB,
      rows,
      seconds: +seconds.toFixed(1),
      mb_per_second: +(REPORT_MB / seconds).toFixed(1),
      total_rows: data.total_rows,
      returned_rows: data.returned_rows,
      own_asin_rows: data.own_asin_rows,
      truncated: data.truncated,
      answer_kb: Math.round(answerBytes / 1024),
      rss_mb_before: Math.round(rssBefore),
      rss_mb_peak: Math.round(peak),
      rss_target_mb: 300,
    };
  } finally {
    clearInterval(sampler);
    await broker.stop();
    await sim.close();
    await database.drop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(JSON.stringify(await runReportsBench(), null, 2));
}
