/** `npm run sweep`: one scheduler pass against the configured store and Slack, then exit. */
import { loadConfig } from '../config';
import { ConfigError } from '../errors';
import { createLogger } from '../logger';
import { buildSweeper } from '../main';

async function sweep(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  // A running Roster keeps its embedded store; the pass goes through it.
  const sweeper = await buildSweeper(config, { logger, share: 'reach' });
  try {
    const report = await sweeper.runOnce();
    console.log(JSON.stringify(report));
  } finally {
    await sweeper.stop();
  }
}

sweep().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error instanceof ConfigError ? error.message : error);
    process.exit(1);
  },
);
