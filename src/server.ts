/**
 * `npm start`: reads the configuration, builds Roster (src/main.ts), listens, and stops cleanly on
 * SIGINT or SIGTERM. A configuration problem is one message naming every bad variable, then exit 1.
 */
import { type Config, loadConfig } from './config';
import { ConfigError } from './errors';
import { createLogger } from './logger';
import { buildRoster } from './main';

async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
  const logger = createLogger(config.logLevel);
  try {
    const roster = await buildRoster(config, { logger });
    const port = await roster.start();
    logger.info(
      {
        port,
        mode: config.slack.appToken ? 'socket' : 'http',
        workspaces: config.slack.oauth ? 'many (OAuth install)' : 'one',
        store: config.databaseUrl ? 'postgres' : 'embedded',
      },
      'Roster is running',
    );
    const shutdown = async () => {
      logger.info('shutting down');
      await roster.stop();
      process.exit(0);
    };
    process.once('SIGINT', shutdown);
    process.once('SIGTERM', shutdown);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(1);
    }
    logger.fatal({ err: error }, 'Roster could not start');
    process.exit(1);
  }
}

void main();
