/**
 * What end-to-end SCIM suites share: the SCIM token as the owner gets it (`/users scim-token`, by DM)
 * and a request to `/scim/v2` with it, answered with the status, headers and parsed body.
 */
import { type Harness, OWNER } from './roster-harness';

// biome-ignore lint/suspicious/noExplicitAny: assertions read SCIM bodies freely
export type Json = Record<string, any>;

export interface ScimAnswer {
  status: number;
  headers: Headers;
  json: Json;
  text: string;
}

/** Asks for the account's SCIM token as the owner and reads it from the DM it arrives in. */
export async function issueScimToken(h: Harness): Promise<string> {
  const before = h.fake.callsTo('chat.postMessage').length;
  await h.slack.commandAndWait(OWNER.slackId, 'scim-token');
  const dm = await h.fake.waitFor(() =>
    h.fake
      .callsTo('chat.postMessage')
      .slice(before)
      .find((c) => String(c.args.text).includes('rs_')),
  );
  return (/(rs_[A-Za-z0-9_-]+)/.exec(String(dm.args.text)) as RegExpExecArray)[1] as string;
}

/**
 * A SCIM request function over the harness and token of the moment (both may change between tests):
 * a string body is sent as it is (malformed JSON), anything else as JSON; no token, no Authorization.
 */
export function scimRequests(harness: () => Harness, token: () => string) {
  return async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<ScimAnswer> => {
    const bearer = token();
    const response = await fetch(`${harness().baseUrl}/scim/v2${path}`, {
      method,
      headers: {
        ...(bearer ? { authorization: `Bearer ${bearer}` } : {}),
        ...(body !== undefined ? { 'content-type': 'application/scim+json' } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, headers: response.headers, json: (text ? JSON.parse(text) : {}) as Json, text };
  };
}
