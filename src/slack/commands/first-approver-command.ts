/** `/users first-approver <who>`: the owner's one way out while nobody else may approve (first-approver-change.ts). */
import { firstApproverAnnouncement, firstApproverReply } from '../views/first-approver-message';
import type { CommandHandler } from './command-context';
import type { CommandOf } from './users-command';

/** Makes the first co-approver, then announces it in the approvals channel; a failed post never undoes it. */
export const firstApprover: CommandHandler<CommandOf<'first-approver'>> = async (command, { services, actor, respond }) => {
  const submission = await services.changes.submit(actor, { kind: 'first-approver', user: command.who });
  if (submission.status !== 'done') throw new Error('the first co-approver never waits for approval');
  const result = submission.result;
  const announced = await services.client.chat
    .postMessage({ channel: result.approvalsChannel, ...firstApproverAnnouncement(result) })
    .then(
      () => true,
      (err: unknown) => {
        services.logger.warn({ err }, 'could not announce the first co-approver');
        return false;
      },
    );
  await respond(firstApproverReply(result, announced));
};
