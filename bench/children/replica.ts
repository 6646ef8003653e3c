/**
 * One Roster replica in a process of its own, as `npm start` runs it (the same Node flags), configured by
 * its environment: the workspaces bench measures its throughput and its own RSS apart from the bench's
 * senders and fake Slack. Over IPC it answers `pass` (one scheduler pass: its milliseconds and the invites it expired), `memory`
 * (its RSS and heap) and `stop`; it first sends `{ port }` once listening.
 */
import { loadConfig } from '../../src/config';
import { createLogger } from '../../src/logger';
import { buildRoster } from '../../src/main';

export type ReplicaRequest = { kind: 'pass' } | { kind: 'memory' } | { kind: 'stop' };
export type ReplicaAnswer =
  | { kind: 'started'; port: number }
  | { kind: 'pass'; ms: number; expired: number; cpuMs: number }
  | { kind: 'memory'; rssMiB: number; heapMiB: number }
  | { kind: 'stopped' };

const send = (answer: ReplicaAnswer) => process.send?.(answer);
const config = loadConfig();
const roster = await buildRoster(config, { logger: createLogger(config.logLevel, process.stderr) });
send({ kind: 'started', port: await roster.start() });

process.on('message', async (request: ReplicaRequest) => {
  if (request.kind === 'pass') {
    const started = performance.now();
    const cpu = process.cpuUsage();
    const { expired } = await roster.scheduler.runOnce();
    const { user, system } = process.cpuUsage(cpu);
    send({ kind: 'pass', ms: performance.now() - started, expired, cpuMs: (user + system) / 1000 });
  } else if (request.kind === 'memory') {
    const { rss, heapUsed } = process.memoryUsage();
    send({ kind: 'memory', rssMiB: Math.round(rss / 1048576), heapMiB: Math.round(heapUsed / 1048576) });
  } else {
    await roster.stop();
    send({ kind: 'stopped' });
    process.disconnect();
  }
});
