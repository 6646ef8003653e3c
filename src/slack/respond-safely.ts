/**
 * Runs a listener's work after its acknowledgement and answers any error through the one
 * error mapper, so listeners themselves carry no try/catch.
 */
import type { Logger } from 'pino';
import { renderError } from './render-error';
import type { Reply } from './reply';

export async function respondSafely(
  logger: Logger,
  reply: (message: Reply) => Promise<unknown>,
  work: () => Promise<void>,
): Promise<void> {
  try {
    await work();
  } catch (error) {
    await reply(renderError(error, logger)).catch((err: unknown) => logger.warn({ err }, 'could not deliver an error reply'));
  }
}
