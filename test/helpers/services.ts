/**
 * The machine's Postgres and Redis, when the run is given them (DATABASE_URL, REDIS_URL). Most
 * tests run without them (embedded PGlite, the in-process store); the few that need the real
 * thing — the quota's Lua scripts, Postgres-only statements, several processes sharing state, the
 * fault tests — ask `missing(…)` and skip when it answers. Under REQUIRE_SERVICES=1 (CI) a missing
 * service fails the file instead of skipping it, so those tests cannot quietly stop running there.
 */
export const DATABASE_URL = process.env.DATABASE_URL || undefined;
export const REDIS_URL = process.env.REDIS_URL || undefined;
export const REQUIRE_SERVICES = process.env.REQUIRE_SERVICES === '1';

export type Service = 'Postgres' | 'Redis';

const HOW: Record<Service, { variable: string; example: string }> = {
  Postgres: { variable: 'DATABASE_URL', example: 'DATABASE_URL=postgres://postgres@127.0.0.1:5432/test' },
  Redis: { variable: 'REDIS_URL', example: 'REDIS_URL=redis://127.0.0.1:6379' },
};

const isService = (name: string): name is Service => name in HOW;
const given = (service: Service) => (service === 'Postgres' ? DATABASE_URL : REDIS_URL) !== undefined;

/** Something else a test needs, with what to tell the reader when it is absent. */
export interface Requirement {
  present: boolean;
  needs: string;
  how: string;
}

/**
 * The one line that says what is missing and how to provide it, or undefined when everything is
 * there: `describe.skipIf(missing('Postgres', 'Redis'))(…)`. Throws instead under REQUIRE_SERVICES=1.
 */
export function missing(...needs: Array<Service | Requirement>): string | undefined {
  const absent = needs.map((need) => (typeof need === 'string' ? { present: given(need), needs: need, how: `set ${HOW[need].example}` } : need)).filter((need) => !need.present);
  if (absent.length === 0) return undefined;
  const line = `SKIPPED (needs ${absent.map((a) => a.needs).join(' and ')}): ${absent.map((a) => a.how).join('; ')}`;
  if (REQUIRE_SERVICES) throw new Error(`REQUIRE_SERVICES=1 refuses to skip: ${line}`);
  // A missing Postgres or Redis is said once at the start of the run (servicesNotice); anything else here.
  if (absent.some((a) => !isService(a.needs))) console.warn(line);
  return line;
}

/**
 * What the run does without a service, one line each, for the start of a run (test/global-setup.ts);
 * empty when both are given. Under REQUIRE_SERVICES=1 a missing one throws, and the run stops there.
 */
export function servicesNotice(): string[] {
  const absent = (['Postgres', 'Redis'] as const).filter((service) => !given(service));
  const lines = absent.map((service) => `SKIPPED (needs ${service}): the tests that need a real ${service} skip; set ${HOW[service].example} to run them (REQUIRE_SERVICES=1 makes a skip a failure)`);
  if (REQUIRE_SERVICES && absent.length > 0) {
    throw new Error(`REQUIRE_SERVICES=1 but ${absent.map((s) => HOW[s].variable).join(' and ')} ${absent.length > 1 ? 'are' : 'is'} not set: set ${absent.map((s) => HOW[s].example).join(' ')}`);
  }
  return lines;
}
