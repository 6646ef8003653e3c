/** What every `/users` subcommand handler receives once the command is acknowledged and parsed. */
import type { Actor } from '../../domain/access/actor';
import type { Reply } from '../reply';
import type { SlackServices } from '../services';

export interface CommandContext {
  actor: Actor;
  services: SlackServices;
  /** Answers the person who typed the command, ephemerally. */
  respond: (reply: Reply) => Promise<void>;
  triggerId: string;
  slackUserId: string;
  channelId: string;
}

/** Handles one subcommand kind. */
export type CommandHandler<C> = (command: C, context: CommandContext) => Promise<void>;
