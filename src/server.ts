/**
 * `npm start`: reads the configuration, builds Roster (src/main.ts), listens, and stops cleanly on
 * SIGINT or SIGTERM (no new requests; those taken finish; then the store closes). A configuration
 * problem is one message naming every bad variable, then exit 1.
 */
import { type Config, loadConfig } from './config';
import { ConfigError } from './errors';
import { createLogger } from './logger';
import { buildRoster } from './main';

/** How long stopping may take in all before the process exits anyway (within Kubernetes' 30 s grace). */
const STOP_DEADLINE_MS = 28_000;

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
    // Requests in flight and the scheduler's batch finish before the store closes (see Roster.stop); a
    // second signal, or a stop that outlasts STOP_DEADLINE_MS, exits at once.
    let stopping = false;
    const shutdown = (signal: NodeJS.Signals) => {
      if (stopping) {
        logger.warn({ signal }, 'stopping at once');
        process.exit(1);
      }
      stopping = true;
      logger.info({ signal }, 'shutting down: finishing the requests in flight');
      setTimeout(() => {
        logger.error('could not stop in time; exiting');
        process.exit(1);
      }, STOP_DEADLINE_MS).unref();
      roster.stop().then(
        () => {
          logger.info('stopped');
          process.exit(0);
        },
        (err: unknown) => {
          logger.error({ err }, 'could not stop cleanly');
          process.exit(1);
        },
      );
    };
    process.on('SIGINT', shutdown);
    process.on('SIGTERM', shutdown);
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
