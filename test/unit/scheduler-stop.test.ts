import pino from 'pino';
import { describe, expect, it, vi } from 'vitest';
import { createScheduler } from '../../src/scheduler/scheduler';

function scheduler(accounts: () => Promise<never[]>) {
  return createScheduler({
    accounts,
    housekeeping: { prisma: {} as never, clock: { now: () => new Date() } as never },
    logger: pino({ level: 'silent' }),
    cronSchedule: '0 0 1 1 *',
  });
}

describe('stopping the scheduler', () => {
  it('waits for the pass in flight to finish what it is doing', async () => {
    let release: () => void = () => undefined;
    const accounts = vi.fn(() => new Promise<never[]>((resolve) => (release = () => resolve([]))));
    const s = scheduler(accounts);
    const pass = s.runOnce();
    let stopped = false;
    const stopping = s.stop().then(() => {
      stopped = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(stopped).toBe(false);
    release();
    await stopping;
    expect((await pass).stopped).toBe(true);
  });

  it('starts no pass once stopping began: the store is about to close', async () => {
    const accounts = vi.fn(async () => [] as never[]);
    const s = scheduler(accounts);
    await s.stop();
    const report = await s.runOnce();
    expect(report.stopped).toBe(true);
    expect(accounts).not.toHaveBeenCalled();
  });
});
