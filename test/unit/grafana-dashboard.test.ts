/** The Grafana dashboard in the repository uses only metrics Roster defines, and shows each of Roster's own. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createRosterMetrics } from '../../src/metrics/roster-metrics';

const dashboard = JSON.parse(readFileSync(new URL('../../docs/grafana-dashboard.json', import.meta.url), 'utf8')) as {
  panels: { targets: { expr: string }[] }[];
};

describe('docs/grafana-dashboard.json', () => {
  it('queries only metrics Roster defines, and every one of them', async () => {
    const { registry, scrapeFrom } = createRosterMetrics();
    scrapeFrom({
      gauges: async () => ({
        approvalsPending: 0,
        approvalsOldestSeconds: 0,
        noticesQueued: 0,
        noticesOldestSeconds: 0,
        webhookBacklog: 0,
        webhookOldestSeconds: 0,
        installations: 0,
        workspaceAccounts: 0,
      }),
      distributed: false,
      cachedAccounts: () => ({ read: 0, built: 0 }),
      embeddedStats: async () => ({ units: 0, longestMs: 0, over200Ms: 0 }),
    });
    const defined = new Set(
      registry
        .getMetricsAsArray()
        .map((metric) => metric.name)
        .filter((name) => name.startsWith('roster_')),
    );
    const used = new Set(
      dashboard.panels
        .flatMap((panel) => panel.targets.map((target) => target.expr))
        .flatMap((expr) => expr.match(/roster_[a-z0-9_]+/g) ?? [])
        .map((name) => name.replace(/_(bucket|count|sum)$/, '')),
    );
    for (const name of used) expect(defined, name).toContain(name);
    const unused = [...defined].filter((name) => !used.has(name) && name !== 'roster_embedded_store_units');
    expect(unused).toEqual([]);
  });
});
