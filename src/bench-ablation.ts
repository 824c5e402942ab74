/**
 * Bench-only stage ablation (bench/ablation.ts, issue 22): BENCH_ABLATE=stage,stage short-circuits
 * those stages of a capability call so the benchmark can measure what each costs. Read once from
 * the environment at start-up into frozen booleans — never from config or a request — and refused
 * under NODE_ENV=production (the container image sets it). With it unset every flag is false and
 * each check on the hot path is one property read of a constant.
 *
 * A short-circuited stage answers from a per-process memo of its first real result (or skips pure
 * bookkeeping), so the rest of the call runs unchanged. Answers can be stale or unaudited: never
 * for anything but a benchmark.
 */
export const ABLATION_STAGES = [
  'auth', // bearer hash, failed-auth budget, token cache and checks
  'validation', // params validation (Fastify's body schema still runs)
  'lookup', // grant's connection lookup (cache)
  'quota', // front-door count and seller quota (Redis)
  'access_token', // LWA access token (cache)
  'spapi', // the SP-API request and the parse of its answer
  'reshape', // reshaping Amazon's answer into the broker's
  'serialize', // serializing the envelope
  'metrics', // prom-client observations
  'access_log', // the access line
  'audit', // the audit enqueue
] as const;

export type AblationStage = (typeof ABLATION_STAGES)[number];

function readAblation(): Readonly<Record<AblationStage, boolean>> {
  const named = (process.env.BENCH_ABLATE ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  if (named.length > 0 && process.env.NODE_ENV === 'production') throw new Error('BENCH_ABLATE is for benchmarks only and refused under NODE_ENV=production');
  for (const stage of named) if (!(ABLATION_STAGES as readonly string[]).includes(stage)) throw new Error(`BENCH_ABLATE: unknown stage ${stage} (${ABLATION_STAGES.join(', ')})`);
  return Object.freeze(Object.fromEntries(ABLATION_STAGES.map((stage) => [stage, named.includes(stage)])) as Record<AblationStage, boolean>);
}

export const ablate = readAblation();

/** The first result under `key`, kept for the life of the process (ablated stages only). */
export function memoized<V>(memo: Map<string, V>, key: string, compute: () => V): V {
  let value = memo.get(key);
  if (value === undefined) {
    value = compute();
    memo.set(key, value);
  }
  return value;
}
