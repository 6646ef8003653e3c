/** When `npm start` runs the playground instead of the real deployment, and what it says when it does. */

/** Any of these set means someone is setting up a real Slack app. */
export const SLACK_CREDENTIALS = [
  'SLACK_BOT_TOKEN',
  'SLACK_APP_TOKEN',
  'SLACK_SIGNING_SECRET',
  'SLACK_CLIENT_ID',
  'SLACK_CLIENT_SECRET',
  'SLACK_STATE_SECRET',
];

/**
 * Any of these set means a deployment: one whose Slack secrets failed to mount must stop and say so,
 * not start a playground nobody can reach and never become ready.
 */
const DEPLOYMENT_SIGNS = ['DATABASE_URL', 'OWNER_EMAIL', 'PUBLIC_URL'];

/**
 * `--playground`, or PLAYGROUND=1 (at any time, Slack settings or not), or nothing configured: no Slack
 * credential and no sign of a deployment (DATABASE_URL, OWNER_EMAIL, PUBLIC_URL, NODE_ENV=production).
 * PLAYGROUND=0 then shows what to set instead.
 */
export function wantsPlayground(env: NodeJS.ProcessEnv, argv: readonly string[]): boolean {
  if (argv.includes('--playground')) return true;
  const flag = env.PLAYGROUND?.trim().toLowerCase();
  if (flag === '1' || flag === 'true') return true;
  if (flag === '0' || flag === 'false') return false;
  const set = (name: string) => Boolean(env[name]?.trim());
  if (env.NODE_ENV?.trim() === 'production' || DEPLOYMENT_SIGNS.some(set)) return false;
  return !SLACK_CREDENTIALS.some(set);
}

/** The two lines `npm start` prints in playground mode: where it is, and what makes it a real deployment. */
export function playgroundBanner(url: string, dataDir: string): string {
  return [
    `Roster playground: ${url} (a stand-in Slack and mail outbox on this machine; its data is in ${dataDir})`,
    'To run Roster in your Slack workspace, set SLACK_BOT_TOKEN with SLACK_APP_TOKEN (Socket Mode) or SLACK_SIGNING_SECRET (HTTP mode), and OWNER_EMAIL: README.md, "Quick start".',
  ].join('\n');
}
