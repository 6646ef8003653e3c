/**
 * GET /api/v1/audit: the account's audit trail for the holder of an API key with `audit:view`, as
 * identity providers' system-log APIs give theirs. Filters `since`, `until`, `action` (`user.` or
 * `user.*` for a prefix), `actor`, `target`; pages of `limit` events after the cursor `after`, with
 * `Link: rel="next"` to ask for the next; `Accept: application/x-ndjson` streams the whole range
 * instead, one event a line, read in batches and written no faster than the client takes it.
 */
import type { ServerResponse } from 'node:http';
import { type Request, type Response, Router } from 'express';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { AuditEventJson, AuditFeed, AuditFilter, AuditQuery, AuditReader } from '../domain/audit/audit-feed';
import type { SignInService } from '../domain/credentials/sign-in-service';
import { answering, apiKeyHolder } from './api-key-auth';
import { REQUESTS_PER_MINUTE_PER_KEY, tooMany } from './api-routes';
import type { RateLimit } from './rate-limit';

/** Events in a page unless `limit` says otherwise, and the most it may ask for. */
export const DEFAULT_AUDIT_LIMIT = 100;
export const MAX_AUDIT_LIMIT = 1000;

export const NDJSON = 'application/x-ndjson';

const time = z.iso.datetime({ offset: true, error: 'an ISO 8601 time such as 2026-12-01T00:00:00Z' });
const auditParams = z.strictObject({
  since: time.optional(),
  until: time.optional(),
  action: z
    .string()
    .regex(/^[a-z][a-z0-9_-]*(\.[a-z0-9_-]+)*(\.|\.\*)?$/, 'an action such as user.invited, or a prefix such as user.')
    .max(100)
    .optional(),
  actor: z.string().min(1).max(254).optional(),
  target: z.string().min(1).max(254).optional(),
  after: z
    .string()
    .regex(/^\d{1,18}$/, 'the cursor from the previous page (its Link: rel="next")')
    .optional(),
  limit: z
    .string()
    .regex(/^\d{1,4}$/, `a whole number from 1 to ${MAX_AUDIT_LIMIT}`)
    .refine((n) => Number(n) >= 1 && Number(n) <= MAX_AUDIT_LIMIT, `a whole number from 1 to ${MAX_AUDIT_LIMIT}`)
    .optional(),
});
type AuditParams = z.infer<typeof auditParams>;

/** The query as the feed reads it; `action` ending in `.` or `.*` is a prefix. */
function queryOf(params: AuditParams): AuditQuery {
  const filter: AuditFilter = {};
  if (params.since) filter.since = new Date(params.since);
  if (params.until) filter.until = new Date(params.until);
  if (params.action) {
    const prefix = params.action.endsWith('.') || params.action.endsWith('.*');
    filter.action = { value: params.action.replace(/\*$/, ''), prefix };
  }
  if (params.actor) filter.actor = params.actor;
  if (params.target) filter.target = params.target;
  return { after: BigInt(params.after ?? '0'), filter };
}

/** The URL that asks for what comes after `next`, with the same filters and limit. */
function nextUrl(base: string, params: AuditParams, next: bigint): string {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) if (name !== 'after' && value !== undefined) query.set(name, value);
  query.set('after', String(next));
  return `${base}/api/v1/audit?${query}`;
}

/** Writes `text`; when the socket's buffer is full, waits until it drains. False when the client went away. */
function writeWithBackpressure(res: ServerResponse, text: string): Promise<boolean> {
  if (res.destroyed) return Promise.resolve(false);
  if (res.write(text)) return Promise.resolve(true);
  return new Promise((resolve) => {
    const settle = (ok: boolean) => {
      res.off('drain', drained);
      res.off('close', closed);
      resolve(ok);
    };
    const drained = () => settle(true);
    const closed = () => settle(false);
    res.on('drain', drained);
    res.on('close', closed);
  });
}

/** The audit API of one account; `publicUrl` makes the Link headers absolute. */
export function auditRoutes(deps: {
  signIn: SignInService;
  feed: AuditFeed;
  rateLimit: RateLimit;
  logger: Logger;
  publicUrl?: string;
}): Router {
  const { signIn, feed, rateLimit, logger } = deps;
  const router = Router();

  async function answer(req: Request, res: Response): Promise<void> {
    res.set('Cache-Control', 'no-store');
    const holder = await apiKeyHolder(req, res, { signIn, rateLimit }, 'audit');
    if (!holder) return;
    feed.allow(holder);
    const parsed = auditParams.safeParse(req.query);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const field = issue?.code === 'unrecognized_keys' ? (issue.keys[0] ?? 'query') : String(issue?.path[0] ?? 'query');
      const message =
        issue?.code === 'unrecognized_keys'
          ? `Unknown parameter(s): ${issue.keys.join(', ')}. Use since, until, action, actor, target, after and limit.`
          : issue?.code === 'invalid_type'
            ? `"${field}" may be given once.`
            : `"${field}" must be ${issue?.message ?? 'valid'}.`;
      res.status(400).json({ error: 'bad_request', field, message });
      return;
    }
    const params = parsed.data;
    if (params.since && params.until && new Date(params.since) >= new Date(params.until)) {
      res.status(400).json({ error: 'bad_request', field: 'until', message: '"until" must be later than "since".' });
      return;
    }
    const wait = await rateLimit.hit(`use:audit:${holder.user.id}`, REQUESTS_PER_MINUTE_PER_KEY, 60);
    if (wait > 0) return tooMany(res, wait, 'Too many requests with this API key.');
    const base = deps.publicUrl ?? '';
    const query = queryOf(params);
    if (req.accepts(['application/json', NDJSON]) === NDJSON) return stream(res, holder, query, params, base);

    const limit = Number(params.limit ?? DEFAULT_AUDIT_LIMIT);
    const page = await feed.page(holder, query, limit);
    // Polling (no `until`), there is always a next page to ask for later; over a closed range, only while pages are full.
    if (!params.until || page.events.length === limit) res.set('Link', `<${nextUrl(base, params, page.next)}>; rel="next"`);
    res.json({ events: page.events, next: String(page.next) });
  }

  async function stream(res: Response, holder: AuditReader, query: AuditQuery, params: AuditParams, base: string) {
    const { end, batches } = await feed.range(holder, query);
    let gone = false;
    res.on('close', () => {
      gone = true;
    });
    res.status(200).set({ 'Content-Type': `${NDJSON}; charset=utf-8`, Link: `<${nextUrl(base, params, end)}>; rel="next"` });
    res.flushHeaders();
    try {
      for await (const batch of batches) {
        if (gone || !(await writeWithBackpressure(res, lines(batch)))) break;
      }
    } catch (error) {
      // The status went out before the first line: all that is left is to cut the connection, so the
      // client sees the stream break off instead of a trail that silently ends early.
      logger.error({ err: error }, 'audit stream failed');
      res.destroy();
      return;
    } finally {
      await batches.return(undefined);
    }
    if (!gone) res.end();
  }

  router.get('/api/v1/audit', answering(logger, answer));
  return router;
}

function lines(events: AuditEventJson[]): string {
  let text = '';
  for (const event of events) text += `${JSON.stringify(event)}\n`;
  return text;
}
