// `node --import ./record-modules.mjs script`: appends `<primary|worker> <pid> <url>` to
// $RECORD_MODULES_FILE for every ES module the process loads (its cluster workers inherit the flag).
import { appendFileSync } from 'node:fs';
import { isMainThread } from 'node:worker_threads';

let line = '';
export function initialize(data) {
  line = data.prefix;
}
export async function load(url, context, nextLoad) {
  appendFileSync(process.env.RECORD_MODULES_FILE, `${line} ${url}\n`);
  return nextLoad(url, context);
}

if (isMainThread && process.env.RECORD_MODULES_FILE) {
  const [{ register }, { default: cluster }] = await Promise.all([import('node:module'), import('node:cluster')]);
  register(import.meta.url, { data: { prefix: `${cluster.isPrimary ? 'primary' : 'worker'} ${process.pid}` } });
}
