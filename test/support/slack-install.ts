/**
 * Installs the app into a fake workspace as a browser does with Bolt's OAuth routes:
 * GET /slack/install (a 302 to Slack's authorize URL, with a state cookie), then — as if the
 * installer had approved on Slack — GET the redirect URL with the workspace's code and the state.
 */
import type { FakeSlack } from './fake-slack';

/** The cookie @slack/oauth's InstallProvider keeps the state in (its `stateCookieName` default). */
export const STATE_COOKIE = 'slack-app-oauth-state';

export interface InstallResult {
  /** The answer of the redirect URL: 200 with a "Thank you!" page by default, 400/500 on failure. */
  status: number;
  location: string | null;
  body: string;
  /** Where /slack/install sent the browser (Slack's authorize URL). */
  authorizeUrl: URL;
}

/**
 * Overrides to test that the state is verified: `state` replaces the one Slack would hand back,
 * `cookie: false` drops the browser's state cookie, and `code` replaces the workspace's code.
 */
export interface InstallOverrides {
  state?: string;
  cookie?: boolean;
  code?: string;
}

export async function installWorkspace(
  baseUrl: string,
  fake: FakeSlack,
  teamId: string,
  overrides: InstallOverrides = {},
): Promise<InstallResult> {
  const start = await fetch(`${baseUrl}/slack/install`, { redirect: 'manual' });
  const target = start.headers.get('location');
  if (start.status !== 302 || !target) {
    throw new Error(`/slack/install answered ${start.status} without a redirect: ${await start.text()}`);
  }
  const authorizeUrl = new URL(target);
  const state = authorizeUrl.searchParams.get('state');
  const cookie = start.headers.getSetCookie().find((header) => header.startsWith(`${STATE_COOKIE}=`));
  if (!state || !cookie) throw new Error(`/slack/install set no state (Location ${target})`);

  // Slack sends the browser back to the redirect_uri the app asked for, or to the app's default path.
  const redirectPath = new URL(authorizeUrl.searchParams.get('redirect_uri') ?? '/slack/oauth_redirect', baseUrl).pathname;
  const callback = new URL(redirectPath, baseUrl);
  callback.searchParams.set('code', overrides.code ?? fake.installCode(teamId));
  callback.searchParams.set('state', overrides.state ?? state);
  const headers: Record<string, string> = {};
  // Only the name=value pair goes back, as a browser sends it (the cookie is `Secure`; a browser
  // sends it to http://localhost, which it counts as secure, but not to other plain-http hosts).
  if (overrides.cookie !== false) headers.cookie = cookie.split(';')[0] as string;
  const done = await fetch(callback, { headers, redirect: 'manual' });
  return { status: done.status, location: done.headers.get('location'), body: await done.text(), authorizeUrl };
}
