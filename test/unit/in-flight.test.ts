import { describe, expect, it } from 'vitest';
import { createInFlight } from '../../src/in-flight';

describe('requests in flight', () => {
  it('drains once the last one settles, and refuses new ones from then on', async () => {
    const inFlight = createInFlight();
    let finish: () => void = () => undefined;
    const work = inFlight.track(() => new Promise<string>((resolve) => (finish = () => resolve('done'))));
    let drained: number | undefined;
    const draining = inFlight.drain(5_000).then((left) => {
      drained = left;
    });
    expect(inFlight.closing).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(drained).toBeUndefined();
    finish();
    expect(await work).toBe('done');
    await draining;
    expect(drained).toBe(0);
  });

  it('gives up after the grace period, saying how many still run', async () => {
    const inFlight = createInFlight();
    void inFlight.track(() => new Promise(() => undefined));
    const started = Date.now();
    expect(await inFlight.drain(50)).toBe(1);
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('counts failed work as settled', async () => {
    const inFlight = createInFlight();
    await expect(inFlight.track(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await inFlight.drain(1_000)).toBe(0);
  });
});
