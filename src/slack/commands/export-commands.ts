/** `/users export`: the CSV goes to the requester's DM; the command answers at once and reports when it is there. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { uploadToDm } from '../file-upload';
import type { CommandContext, CommandHandler } from './command-context';
import type { CommandOf } from './users-command';

export async function exportToDm(context: Pick<CommandContext, 'actor' | 'services' | 'respond' | 'slackUserId'>): Promise<void> {
  const { actor, services, respond, slackUserId } = context;
  const dir = await mkdtemp(path.join(tmpdir(), 'roster-export-'));
  try {
    const file = path.join(dir, 'users.csv');
    const count = await services.exports.writeCsv(actor, file);
    const date = new Date().toISOString().slice(0, 10);
    await uploadToDm(services.client, slackUserId, {
      path: file,
      filename: `users-${date}.csv`,
      title: `Users ${date}`,
      comment: `${count} users, exported by Roster.`,
    });
    await respond({ text: `:page_facing_up: The export of ${count} users is in your DM with Roster.` });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export const exportUsers: CommandHandler<CommandOf<'export'>> = async (_command, context) => {
  await exportToDm(context);
};
