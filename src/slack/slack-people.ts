/**
 * The Slack side of people: a profile (for mapping Slack users to the directory) and
 * direct messages to an address when it belongs to someone in the workspace.
 */

import type { HolderMessenger, SlackProfiles } from '../domain/ports';
import { reasonOf } from '../errors';
import { asBlocks } from './block-kit';
import type { Reply } from './reply';
import type { SlackApi } from './slack-api';
import { inheritedKeysMessages } from './views/inherited-keys-message';

export function createSlackProfiles(client: SlackApi): SlackProfiles {
  return {
    async profileOf(slackUserId) {
      try {
        const { user } = await client.users.info({ user: slackUserId });
        if (!user || user.deleted) return null;
        const teams = [user.team_id, ...(user.enterprise_user?.teams ?? [])].filter((team): team is string => !!team);
        return {
          email: user.profile?.email ?? null,
          teamIds: [...new Set(teams)],
          enterpriseId: user.enterprise_user?.enterprise_id ?? null,
          stranger: user.is_stranger === true,
        };
      } catch (error) {
        if (reasonOf(error) === 'user_not_found') return null;
        throw error;
      }
    },
    async inWorkspace({ email, slackUserId }) {
      try {
        const found = slackUserId
          ? (await client.users.info({ user: slackUserId })).user
          : (await client.users.lookupByEmail({ email })).user;
        return !!found && !found.deleted;
      } catch (error) {
        const reason = reasonOf(error);
        if (reason === 'user_not_found' || reason === 'users_not_found') return false;
        throw error;
      }
    },
  };
}

export interface DirectMessages {
  /** DMs the workspace member with this e-mail; `not-in-workspace` when there is none. */
  toEmail(email: string, message: Reply): Promise<'sent' | 'not-in-workspace'>;
  /** DMs a Slack user. */
  toUser(slackUserId: string, message: Reply): Promise<void>;
}

export function createDirectMessages(client: SlackApi): DirectMessages {
  async function toUser(slackUserId: string, message: Reply) {
    const opened = await client.conversations.open({ users: slackUserId });
    const channel = opened.channel?.id ?? slackUserId;
    await client.chat.postMessage({
      channel,
      text: message.text,
      ...(message.blocks ? { blocks: asBlocks(message.blocks) } : {}),
    });
  }
  return {
    toUser,
    async toEmail(email, message) {
      let slackUserId: string | undefined;
      try {
        slackUserId = (await client.users.lookupByEmail({ email })).user?.id;
      } catch (error) {
        if (reasonOf(error) === 'users_not_found') return 'not-in-workspace';
        throw error;
      }
      if (!slackUserId) return 'not-in-workspace';
      await toUser(slackUserId, message);
      return 'sent';
    },
  };
}

/** Secrets go to their holder only: by their linked Slack user, else the workspace member with their e-mail. */
export function createHolderMessenger(dm: DirectMessages): HolderMessenger {
  return {
    async send(holder, text) {
      if (holder.slackUserId) {
        await dm.toUser(holder.slackUserId, { text });
        return true;
      }
      return (await dm.toEmail(holder.email, { text })) === 'sent';
    },
    // A deletion's keys reach the owner with a Revoke button each (inherited-keys-message.ts).
    async inheritedKeys(heir, keys) {
      for (const message of inheritedKeysMessages(keys)) {
        if (heir.slackUserId) await dm.toUser(heir.slackUserId, message);
        else if ((await dm.toEmail(heir.email, message)) !== 'sent') return false;
      }
      return true;
    },
  };
}
