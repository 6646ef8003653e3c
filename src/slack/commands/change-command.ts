/**
 * The shape most `/users` subcommands share: the command becomes one directory change, submitted
 * for the person asking (or sent for approval), and the answer is the result rendered.
 */
import type { ChangeResult } from '../../domain/changes/change-handlers';
import type { ChangeKind, ChangeOf } from '../../domain/changes/directory-change';
import type { Reply } from '../reply';
import { submitChange } from '../submit-change';
import type { CommandHandler } from './command-context';

/** A handler that submits `toChange(command)` and answers with `render` of its result. */
export function changeCommand<C, K extends ChangeKind>(
  toChange: (command: C) => ChangeOf<K>,
  render: (result: ChangeResult<K>) => Reply | Promise<Reply>,
  /** Why, as approvers read it on a request (`--reason`). */
  reasonOf?: (command: C) => string,
): CommandHandler<C> {
  return async (command, { services, actor, respond }) => {
    await respond(await submitChange(services, actor, toChange(command), render, { reason: reasonOf?.(command) }));
  };
}
