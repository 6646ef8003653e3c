/**
 * Slack's side of the metrics: how long each request waited for its acknowledgement, by surface, and
 * how each `/users` subcommand ended.
 */
import type { AnyMiddlewareArgs, App, Middleware, ReceiverEvent, SlackCommandMiddlewareArgs } from '@slack/bolt';
import { slackSurfaceOf } from './metric-labels';
import type { Metrics } from './metrics-port';

/**
 * Times acknowledgements where the receiver hands an event to the app: Bolt middleware gets a copy of
 * the arguments, so an `ack` wrapped there would not be the one the listener calls.
 */
export function measureAcks(app: App, metrics: Metrics): void {
  const processEvent = app.processEvent.bind(app);
  app.processEvent = (event: ReceiverEvent) => {
    const started = performance.now();
    const surface = slackSurfaceOf(event.body);
    const ack = event.ack;
    let acked = false;
    return processEvent({
      ...event,
      ack: async (response) => {
        try {
          return await ack(response);
        } finally {
          if (!acked) metrics.slackAcked(surface, (performance.now() - started) / 1000);
          acked = true;
        }
      },
    });
  };
}

/** Global middleware that counts each `/users` subcommand by its first word (bounded) and whether it threw. */
export function countCommands(metrics: Metrics): Middleware<AnyMiddlewareArgs> {
  return async (args) => {
    const { command } = args as Partial<SlackCommandMiddlewareArgs>;
    if (!command) return args.next();
    try {
      await args.next();
      metrics.commandRun(command.text, 'ok');
    } catch (error) {
      metrics.commandRun(command.text, 'error');
      throw error;
    }
  };
}
