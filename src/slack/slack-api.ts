/**
 * The Slack Web API as one workspace uses it: the few methods Roster calls, each sending that
 * workspace's bot token over one `WebClient` shared by every account of the replica.
 *
 * A `WebClient` builds some 280 bound methods when it is made (~26 KB of heap, measured), so a client
 * per workspace cost more than the rest of an account's services at 10 000 workspaces; every method
 * takes the token per call, so one client serves them all.
 */
import type { WebClient } from '@slack/web-api';

/**
 * Marks an API bound to a workspace's token, so that Bolt's own `client` (which, in distributed mode, holds
 * no token: installation-store.ts) cannot be passed where a listener needs to call Slack.
 */
declare const workspaceBound: unique symbol;

type Method<N extends keyof WebClient, M extends keyof WebClient[N]> = WebClient[N][M];

/** The methods Roster calls, bound to one workspace's bot token. */
export interface SlackApi {
  readonly [workspaceBound]: true;
  chat: {
    postMessage: Method<'chat', 'postMessage'>;
    postEphemeral: Method<'chat', 'postEphemeral'>;
    update: Method<'chat', 'update'>;
  };
  views: { open: Method<'views', 'open'>; update: Method<'views', 'update'>; publish: Method<'views', 'publish'> };
  users: { info: Method<'users', 'info'>; lookupByEmail: Method<'users', 'lookupByEmail'> };
  conversations: { open: Method<'conversations', 'open'> };
  files: {
    getUploadURLExternal: Method<'files', 'getUploadURLExternal'>;
    completeUploadExternal: Method<'files', 'completeUploadExternal'>;
  };
}

/** `client`'s methods with `token` sent on every call (a token in the arguments is replaced). */
export function slackApiFor(client: WebClient, token: string): SlackApi {
  const api: Omit<SlackApi, typeof workspaceBound> = {
    chat: {
      postMessage: (args) => client.chat.postMessage({ ...args, token }),
      postEphemeral: (args) => client.chat.postEphemeral({ ...args, token }),
      update: (args) => client.chat.update({ ...args, token }),
    },
    views: {
      open: (args) => client.views.open({ ...args, token }),
      update: (args) => client.views.update({ ...args, token }),
      publish: (args) => client.views.publish({ ...args, token }),
    },
    users: {
      info: (args) => client.users.info({ ...args, token }),
      lookupByEmail: (args) => client.users.lookupByEmail({ ...args, token }),
    },
    conversations: { open: (args) => client.conversations.open({ ...args, token }) },
    files: {
      getUploadURLExternal: (args) => client.files.getUploadURLExternal({ ...args, token }),
      completeUploadExternal: (args) => client.files.completeUploadExternal({ ...args, token }),
    },
  };
  return api as SlackApi;
}
