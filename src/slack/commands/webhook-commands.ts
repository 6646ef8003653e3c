/** `/users webhook list | add | remove | test | replay | resume`: the owner's webhook endpoints (src/domain/webhooks/). */

import { formatWhen } from '../../domain/format-when';
import type { WebhookListing } from '../../store/webhooks/webhook-rows';
import { escapeMrkdwn } from '../views/format';
import { changeCommand } from './change-command';
import type { CommandHandler } from './command-context';
import type { CommandOf } from './users-command';

type WebhookCommand<A extends CommandOf<'webhook'>['action']> = Extract<CommandOf<'webhook'>, { action: A }>;

const eventsOf = (events: readonly string[]) => (events.length ? events.map((e) => `\`${e}\``).join(', ') : 'every event');

const add: CommandHandler<WebhookCommand<'add'>> = changeCommand(
  (command) => ({ kind: 'webhook-add', url: command.url, events: command.events }),
  (result) => ({
    text: result.delivered
      ? `:white_check_mark: Events (${eventsOf(result.events)}) now go to ${result.url}, from the next one on. Its signing secret \`${result.secretHint}\` was sent to you by DM (shown once). Try it with \`/users webhook test ${result.url}\`.`
      : `:warning: The signing secret could not be sent to you by DM, so the webhook ${result.url} was removed again. Open a DM with Roster and add it again.`,
  }),
);

const remove: CommandHandler<WebhookCommand<'remove'>> = changeCommand(
  (command) => ({ kind: 'webhook-remove', url: command.url }),
  (result) => ({ text: `:white_check_mark: Removed the webhook ${result.url}; nothing more is sent to it.` }),
);

const resume: CommandHandler<WebhookCommand<'resume'>> = changeCommand(
  (command) => ({ kind: 'webhook-resume', url: command.url }),
  (result) => ({ text: `:white_check_mark: Resumed the webhook ${result.url}: the events that waited go out now, in order.` }),
);

const replay: CommandHandler<WebhookCommand<'replay'>> = changeCommand(
  (command) => ({ kind: 'webhook-replay', since: command.since, ...(command.url ? { url: command.url } : {}) }),
  (result) => ({
    text: `:white_check_mark: ${result.urls.join(', ')} will receive again what happened since ${result.since.toISOString()} (${result.events} event${result.events === 1 ? '' : 's'} before the filters), with the same ids, so receivers can drop what they already have.`,
  }),
);

const test: CommandHandler<WebhookCommand<'test'>> = async (command, { services, actor, respond }) => {
  const { url, answer } = await services.webhooks.test(actor, command.url);
  const ok = 'status' in answer && answer.status >= 200 && answer.status < 300;
  await respond({
    text: ok
      ? `:white_check_mark: ${url} answered ${(answer as { status: number }).status} to a signed \`webhook.test\` event.`
      : `:x: ${url} did not take the test event: ${'error' in answer ? answer.error : `it answered ${answer.status}`}. Check the endpoint and try again.`,
  });
};

/** One endpoint's line in the list: its events, what waits, and how its last delivery went. */
function line(endpoint: WebhookListing): string {
  const state = endpoint.pausedAt
    ? `:double_vertical_bar: paused ${formatWhen(endpoint.pausedAt)} (${escapeMrkdwn(endpoint.lastError ?? 'failing')}); \`/users webhook resume ${endpoint.url}\``
    : endpoint.attempts > 0
      ? `:warning: failing since ${formatWhen(endpoint.failingSince ?? endpoint.nextAttemptAt)} (${escapeMrkdwn(endpoint.lastError ?? '')}), ${endpoint.attempts} attempt${endpoint.attempts === 1 ? '' : 's'}; next ${formatWhen(endpoint.nextAttemptAt)}`
      : endpoint.lastDeliveredAt
        ? `last delivered ${formatWhen(endpoint.lastDeliveredAt)}`
        : 'nothing delivered yet';
  return `• ${endpoint.url} — ${eventsOf(endpoint.events)} · secret \`${endpoint.secretPrefix}\` · ${endpoint.waiting} waiting · ${state}`;
}

/** Dispatches `/users webhook` by action; `list` and `test` answer here, the others are changes. */
export const webhook: CommandHandler<CommandOf<'webhook'>> = async (command, context) => {
  if (command.action === 'add') return add(command, context);
  if (command.action === 'remove') return remove(command, context);
  if (command.action === 'resume') return resume(command, context);
  if (command.action === 'replay') return replay(command, context);
  if (command.action === 'test') return test(command, context);
  const endpoints = await context.services.webhooks.list(context.actor);
  if (endpoints.length === 0) {
    await context.respond({ text: 'No webhooks yet. Send the audit trail to your SIEM with `/users webhook add <https URL>`.' });
    return;
  }
  await context.respond({ text: [`*Webhooks* (${endpoints.length})`, ...endpoints.map(line)].join('\n') });
};
