/**
 * `npm run bench`: every benchmark in one run on this machine, each next to a baseline measured
 * in the same run, printed as a table and written to bench/results.md. Nothing here is a test.
 */
import { writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchRow } from './bench-row';

const suites: { name: string; load: () => Promise<{ run(): Promise<BenchRow[]> }> }[] = [
  { name: 'acknowledgement', load: () => import('./ack.bench') },
  { name: 'invite', load: () => import('./invite.bench') },
  { name: 'export', load: () => import('./export.bench') },
  { name: 'scheduler', load: () => import('./scheduler.bench') },
  { name: 'load', load: () => import('./load.bench') },
  { name: 'scim', load: () => import('./scim.bench') },
  { name: 'scim-bulk', load: () => import('./scim-bulk.bench') },
  { name: 'workspaces', load: () => import('./workspaces.bench') },
  { name: 'audit', load: () => import('./audit.bench') },
  { name: 'webhooks', load: () => import('./webhooks.bench') },
  { name: 'access-reviews', load: () => import('./access-reviews.bench') },
  { name: 'time-bound-grants', load: () => import('./time-bound-grants.bench') },
];

async function main() {
  const only = process.argv.slice(2);
  const rows: BenchRow[] = [];
  for (const suite of suites) {
    if (only.length > 0 && !only.includes(suite.name)) continue;
    console.error(`running ${suite.name}…`);
    rows.push(...(await (await suite.load()).run()));
  }
  const table = [
    '| benchmark | measure | Roster | baseline | ratio (Roster / baseline) | notes |',
    '|---|---|---|---|---|---|',
    ...rows.map(
      (r) => `| ${r.benchmark} | ${r.measure} | ${r.value} | ${r.baseline ?? '—'} | ${r.ratio ?? '—'} | ${r.notes ?? ''} |`,
    ),
  ].join('\n');
  const header = `# Roster benchmarks\n\nMeasured ${new Date().toISOString()} on ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'CPU'}, Node ${process.version}, embedded store unless noted.\n\n`;
  console.log(table);
  // Only a full run is recorded, so results.md always holds measures taken together.
  if (only.length === 0) {
    const file = path.join(path.dirname(fileURLToPath(import.meta.url)), 'results.md');
    await writeFile(file, `${header}${table}\n`);
  }
  process.exit(0);
}

void main();
