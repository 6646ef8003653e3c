/**
 * What Roster's parts report for its Prometheus metrics, in their own words: services and edges call
 * these and know nothing of prom-client (src/metrics/roster-metrics.ts turns them into metrics and
 * bounds every label there, so a caller may pass what it has).
 */

/** Which kind of Slack request was acknowledged. */
export type SlackSurface = 'command' | 'action' | 'view' | 'event' | 'shortcut' | 'options' | 'other';

/** What a submitted change came to: applied, stored for approval, refused (a RosterError), or failed otherwise. */
export type ChangeOutcome = 'done' | 'awaiting' | 'refused' | 'failed' | 'skipped';

/** Which HTTP API a request went to: SCIM, the product's sign-in (`/api/v1/auth/*`, `/api/v1/login`), or the rest of the API. */
export type HttpSurface = 'scim' | 'auth' | 'api';

/** The narrow port every part is given; `noMetrics` when nothing is measured (CLIs, the sweeper). */
export interface Metrics {
  /** A Slack request of `surface` was acknowledged `seconds` after Roster received it. */
  slackAcked(surface: SlackSurface, seconds: number): void;
  /** A `/users` command with `text` ran to its end (`ok`) or threw past its listener (`error`); only a subcommand's name is kept. */
  commandRun(text: string, outcome: 'ok' | 'error'): void;
  /** A change of `kind` came to `outcome`. */
  changeApplied(kind: string, outcome: ChangeOutcome): void;
  /** An approval request was settled (`decision`) `waitedSeconds` after it was opened. */
  approvalDecided(decision: string, waitedSeconds: number): void;
  /** A scheduler pass took `seconds`; `items` counts what it did, by what (PassReport's fields). */
  schedulerPass(seconds: number, outcome: 'ok' | 'failed' | 'stopped', items: Record<string, number>): void;
  /** An HTTP API request was answered with `status` after `seconds`; `route` is a template, never a raw path. */
  httpAnswered(surface: HttpSurface, route: string, method: string, status: number, seconds: number): void;
  /** A webhook delivery attempt came to `outcome` (ok: a 2xx answer). */
  webhookDelivered(outcome: 'ok' | 'failed'): void;
  /** A rate limit refused a request; `key` is the limit's key (only its leading words are kept). */
  rateLimitRefused(key: string): void;
}

/** Measures nothing: for whatever is built without a metrics registry. */
export const noMetrics: Metrics = {
  slackAcked() {},
  commandRun() {},
  changeApplied() {},
  approvalDecided() {},
  schedulerPass() {},
  httpAnswered() {},
  rateLimitRefused() {},
  webhookDelivered() {},
};
