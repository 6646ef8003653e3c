/**
 * Every failed login takes the same time: an unknown address, a wrong password, a disabled and a revoked
 * user alike (a dummy hash keeps scrypt in every path). Timing, so it runs alone (vitest.config.ts): a
 * busy neighbour made the medians differ by 2.4x once when it ran beside other suites.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from '../support/roster-harness';
import { seedWithPassword } from '../support/seed';
import { testTargets } from '../support/test-database';
import { freshAddress, postJson } from '../support/web-client';

const PASSWORD = 'a long and unusual passphrase';

describe.each(testTargets())('failed logins (%s store)', (target) => {
  let h: Harness;
  const login = (email: string, password: string, from: string) =>
    postJson(`${h.baseUrl}/api/v1/login`, { email, password }, { 'x-forwarded-for': from });

  beforeAll(async () => {
    h = await startHarness(target, { TRUST_PROXY: 'loopback' });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('answers unknown, wrong, disabled and revoked alike, in indistinguishable time', async () => {
    await seedWithPassword(h.roster, 'right@example.com', PASSWORD);
    await seedWithPassword(h.roster, 'off@example.com', PASSWORD, { status: 'disabled' });
    await seedWithPassword(h.roster, 'gone@example.com', PASSWORD, { status: 'revoked' });
    const cases = {
      unknown: () => login('nobody-here@example.com', PASSWORD, freshAddress()),
      wrong: () => login('right@example.com', 'not the password', freshAddress()),
      disabled: () => login('off@example.com', PASSWORD, freshAddress()),
      revoked: () => login('gone@example.com', PASSWORD, freshAddress()),
    };
    const bodies = new Set<string>();
    const times: Record<string, number[]> = { unknown: [], wrong: [], disabled: [], revoked: [] };
    for (let round = 0; round < 20; round++) {
      for (const [name, attempt] of Object.entries(cases)) {
        const started = performance.now();
        const answer = await attempt();
        (times[name] as number[]).push(performance.now() - started);
        expect(answer.status).toBe(401);
        bodies.add(JSON.stringify(answer.json));
      }
      // Failures older than 15 minutes are forgotten, so no account locks during the measurement.
      h.clock.advanceHours(1);
    }
    expect(bodies.size).toBe(1);
    const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;
    const medians = Object.values(times).map(median);
    // Without the dummy hash the inactive and unknown cases skip scrypt and run several times faster.
    expect(Math.max(...medians) / Math.min(...medians)).toBeLessThan(1.8);
  });
});
