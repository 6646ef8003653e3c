/**
 * Starts Roster (the real composition root) on an embedded store that already holds many users,
 * then exports them; prints its RSS idle and at the peak, as JSON. Usage: memory-probe.ts DATA_DIR
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../src/config';
import { createLogger } from '../../src/logger';
import { buildRoster } from '../../src/main';
import { startFakeSlack } from '../../test/support/fake-slack';
import { sampleMemory } from '../bench-row';

const dataDir = process.argv[2] as string;
const fake = await startFakeSlack();
const config = loadConfig({
  SLACK_BOT_TOKEN: 'xoxb-probe',
  SLACK_SIGNING_SECRET: 'probe-signing-secret-0123456789',
  SLACK_API_URL: fake.url,
  PORT: '0',
  DATA_DIR: dataDir,
  OWNER_EMAIL: 'owner@example.com',
  SEAT_LIMIT: '1000000',
  LOG_LEVEL: 'warn',
});
const roster = await buildRoster(config, { logger: createLogger('warn') });
await roster.start();
await new Promise((resolve) => setTimeout(resolve, 2000));
const idle = Math.round(process.memoryUsage().rss / 1024 / 1024);
const owner = (await roster.prisma.account.findFirstOrThrow()).ownerId as string;
const actor = await roster.services.access.actorForUserId(owner, 'command');
const memory = sampleMemory();
const exported = await roster.services.exports.writeCsv(
  actor,
  path.join(await mkdtemp(path.join(tmpdir(), 'probe-')), 'users.csv'),
);
const peak = memory.stop();
await roster.stop();
await fake.close();
console.log(JSON.stringify({ idle, peak, exported }));
process.exit(0);
