import { runQuotaBench } from './quota.js';
import { runPipelineBench } from './pipeline.js';
import { runReportsBench } from './reports.js';

// `npm run bench`: every benchmark, one after the other, each printing its figures.
const only = process.argv[2];
if (!only || only === 'quota') {
  console.log('bench/quota — one seller hammered through 3 broker processes, a second seller beside it');
  console.log(JSON.stringify(await runQuotaBench(), null, 2));
}
if (!only || only === 'pipeline') {
  console.log('bench/pipeline — capability calls through one broker (token check, params, connection, quota, simulator)');
  console.log(JSON.stringify(await runPipelineBench(), null, 2));
}
if (!only || only === 'reports') {
  console.log('bench/reports — one broker streams a 200 MB search terms report; its RSS sampled throughout');
  console.log(JSON.stringify(await runReportsBench(), null, 2));
}
