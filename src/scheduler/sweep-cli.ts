/** `npm run sweep`: one scheduler pass against the configured store and Slack, then exit. */
import { loadConfig } from '../config';
import { ConfigError } from '../errors';
import { createLogger } from '../logger';
import { buildRoster } from '../main';

async function sweep(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  const roster = await buildRoster(config, { logger });
  try {
    const report = await roster.scheduler.runOnce();
    console.log(JSON.stringify(report));
  } finally {
    await roster.stop();
  }
}

sweep().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error instanceof ConfigError ? error.message : error);
    process.exit(1);
  },
);
