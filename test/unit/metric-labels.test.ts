/** Label bounding: whatever callers pass, a scrape carries only a fixed vocabulary (no e-mail, ID or token). */
import { describe, expect, it } from 'vitest';
import {
  changeKindLabel,
  httpSurfaceOf,
  methodLabel,
  rateLimitScope,
  routeTemplate,
  slackSurfaceOf,
  statusLabel,
  subcommandLabel,
} from '../../src/metrics/metric-labels';
import { createRosterMetrics } from '../../src/metrics/roster-metrics';

const ID = '3f2b8c1e-9a4d-4e6f-8b7a-1c2d3e4f5a6b';

describe('metric labels', () => {
  it('keeps route words and turns every other segment into :id', () => {
    expect(routeTemplate(`/scim/v2/Users/${ID}`)).toBe('/scim/v2/Users/:id');
    expect(routeTemplate('/scim/v2/Users?filter=userName eq "a@b.c"')).toBe('/scim/v2/Users');
    expect(routeTemplate('/api/v1/auth/verify')).toBe('/api/v1/auth/verify');
    expect(routeTemplate('/api/v1/assets/someone@example.com')).toBe('/api/v1/assets/:id');
    expect(routeTemplate('/scim/v2/a/b/c/d/e/f/g')).toBe('/scim/v2/:id/:id/:id/…');
    expect(routeTemplate('/scim/v2/Users/.search')).toBe('/scim/v2/Users/.search');
  });

  it('tells the APIs apart and leaves pages, Slack and health out', () => {
    expect(httpSurfaceOf('/scim/v2/Groups')).toBe('scim');
    expect(httpSurfaceOf('/api/v1/auth/exchange')).toBe('auth');
    expect(httpSurfaceOf('/api/v1/login')).toBe('auth');
    expect(httpSurfaceOf('/api/v1/audit')).toBe('api');
    expect(httpSurfaceOf('/invite/abc')).toBeNull();
    expect(httpSurfaceOf('/slack/events')).toBeNull();
    expect(httpSurfaceOf('/scimx')).toBeNull();
  });

  it('keeps only known subcommands, change kinds, methods and statuses', () => {
    expect(subcommandLabel('invite a@b.com --role viewer')).toBe('invite');
    expect(subcommandLabel('someone@example.com')).toBe('other');
    expect(subcommandLabel('bob')).toBe('other');
    expect(subcommandLabel('   ')).toBe('help');
    expect(changeKindLabel('invite')).not.toBe('other');
    expect(changeKindLabel('a@b.com')).toBe('other');
    expect(changeKindLabel(undefined)).toBe('other');
    expect(methodLabel('patch')).toBe('PATCH');
    expect(methodLabel('BREW')).toBe('other');
    expect(statusLabel(201)).toBe('201');
    expect(statusLabel(42)).toBe('other');
  });

  it('names a rate limit by its leading words, never the client, user or account in its key', () => {
    expect(rateLimitScope(`fail:verify:${ID}:10.0.0.1`)).toBe('fail:verify');
    expect(rateLimitScope('fail:scim:::1')).toBe('fail:scim');
    expect(rateLimitScope(`use:apikey:${ID}`)).toBe('use:apikey');
    expect(rateLimitScope('forgot:email:10.0.0.1:a@b.com')).toBe('forgot:email');
    expect(rateLimitScope('a@b.com:x')).toBe('other');
    expect(rateLimitScope(`${ID}:fail`)).toBe('other');
  });

  it('knows the Slack surfaces by the body', () => {
    expect(slackSurfaceOf({ command: '/users' })).toBe('command');
    expect(slackSurfaceOf({ type: 'block_actions' })).toBe('action');
    expect(slackSurfaceOf({ type: 'view_submission' })).toBe('view');
    expect(slackSurfaceOf({ type: 'event_callback' })).toBe('event');
    expect(slackSurfaceOf({ type: 'block_suggestion' })).toBe('options');
    expect(slackSurfaceOf(null)).toBe('other');
  });

  it('bounds what callers report, whatever they pass', async () => {
    const { registry, metrics } = createRosterMetrics();
    metrics.changeApplied('someone@example.com', 'done');
    metrics.changeApplied('invite', 'bogus' as never);
    metrics.commandRun(`disable ${ID}`, 'ok');
    metrics.commandRun('someone@example.com', 'ok');
    metrics.httpAnswered('scim', `/scim/v2/Users/${ID}`, 'GET', 200, 0.01);
    metrics.httpAnswered('api', '/totally/raw/path', 'GET', 200, 0.01);
    metrics.rateLimitRefused(`fail:verify:${ID}:192.168.1.20`);
    metrics.slackAcked('nonsense' as never, 0.1);
    metrics.approvalDecided('executed', 3600);
    metrics.schedulerPass(0.2, 'ok', { sent: 2, reminded: 0, whatever: 5 });
    const text = await registry.metrics();
    expect(text).toContain('roster_changes_total{kind="other",outcome="done"} 1');
    expect(text).toContain('roster_changes_total{kind="invite",outcome="other"} 1');
    expect(text).toContain('roster_slack_commands_total{subcommand="disable",outcome="ok"} 1');
    expect(text).toContain('roster_slack_commands_total{subcommand="other",outcome="ok"} 1');
    expect(text).toContain('route="/scim/v2/Users/:id"');
    expect(text).toContain('roster_http_request_seconds_count{surface="api",route="other",method="GET",status="200"} 1');
    expect(text).toContain('roster_rate_limit_refusals_total{limit="fail:verify"} 1');
    expect(text).toContain('roster_slack_ack_seconds_count{surface="other"} 1');
    expect(text).toContain('roster_approval_decision_seconds_count{decision="executed"} 1');
    expect(text).toContain('roster_scheduler_items_total{item="sent"} 2');
    expect(text).not.toContain('whatever');
    expect(text).not.toContain('@');
    expect(text).not.toContain(ID);
    expect(text).not.toContain('192.168');
    // Before the store is wired, the store's gauges are left out and the store is not said to be up.
    expect(text).toContain('roster_store_up 0');
    expect(text).not.toMatch(/^roster_approvals_pending \d/m);
  });
});
