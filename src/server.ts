/**
 * `npm start`: reads the configuration, builds Roster (src/main.ts), listens, and stops cleanly on
 * SIGINT or SIGTERM (no new requests; those taken finish; then the store closes). A configuration
 * problem is one message naming every bad variable, then exit 1. With nothing of Slack configured
 * (or `--playground`, or PLAYGROUND=1) it starts the playground instead (src/playground/).
 */
import type { Logger } from 'pino';
import { type Config, loadConfig } from './config';
import { ConfigError } from './errors';
import { createLogger } from './logger';
import { buildRoster } from './main';
import { playgroundBanner, wantsPlayground } from './playground/playground-mode';
import { startPlayground } from './playground/start-playground';

/** How long stopping may take in all before the process exits anyway (within Kubernetes' 30 s grace). */
const STOP_DEADLINE_MS = 28_000;

async function main(): Promise<void> {
  if (wantsPlayground(process.env, process.argv.slice(2))) {
    await playground();
    return;
  }
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
    stopOnSignals(() => roster.stop(), logger);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(1);
    }
    logger.fatal({ err: error }, 'Roster could not start');
    process.exit(1);
  }
}

/** The playground: the real Roster against a stand-in Slack, on loopback, with its own store. */
async function playground(): Promise<void> {
  const logger = createLogger(process.env.LOG_LEVEL ?? 'warn');
  try {
    const running = await startPlayground(process.env, logger);
    console.log(playgroundBanner(running.url, running.roster.config.dataDir));
    stopOnSignals(() => running.stop(), logger);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message.replace('Roster cannot start.', 'The Roster playground cannot start.'));
      process.exit(1);
    }
    logger.fatal({ err: error }, 'the Roster playground could not start');
    process.exit(1);
  }
}

/**
 * Requests in flight and the scheduler's batch finish before the store closes (see Roster.stop); a
 * second signal, or a stop that outlasts STOP_DEADLINE_MS, exits at once.
 */
function stopOnSignals(stop: () => Promise<void>, logger: Logger): void {
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
    stop().then(
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
}

void main();
