/**
 * GET /api/v1/reviews/<id>/report: an access review's evidence for the holder of an API key with
 * `audit:view` — every row, its decision, the decider, the time and the change it made — as JSON, or
 * as CSV with `Accept: text/csv` or `?format=csv`. An open review answers with what is decided so far.
 */
import { type Request, type Response, Router } from 'express';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { SignInService } from '../domain/credentials/sign-in-service';
import { type ReviewService, reportCsv, reportJson } from '../domain/reviews/review-service';
import { answering, apiKeyHolder } from './api-key-auth';
import { REQUESTS_PER_MINUTE_PER_KEY, tooMany } from './api-routes';
import type { RateLimit } from './rate-limit';

export const REVIEW_REPORT_PATH = /^\/api\/v1\/reviews\/[^/]+\/report$/;

const AUDIT_VIEW = 'audit:view';

export function reviewRoutes(deps: {
  signIn: SignInService;
  reviews: ReviewService;
  rateLimit: RateLimit;
  logger: Logger;
}): Router {
  const { signIn, reviews, rateLimit, logger } = deps;
  const router = Router();

  async function answer(req: Request, res: Response): Promise<void> {
    res.set('Cache-Control', 'no-store');
    const holder = await apiKeyHolder(req, res, { signIn, rateLimit }, 'reviews');
    if (!holder) return;
    // An Admin's `*` comes expanded into every admin-plane permission (verified-holder.ts).
    if (!holder.permissions.includes(AUDIT_VIEW)) {
      res.status(403).json({
        error: 'forbidden',
        message: `This API key's holder lacks the ${AUDIT_VIEW} permission; give them a role that has it.`,
      });
      return;
    }
    const wait = await rateLimit.hit(`use:reviews:${holder.user.id}`, REQUESTS_PER_MINUTE_PER_KEY, 60);
    if (wait > 0) return tooMany(res, wait, 'Too many requests with this API key.');
    const id = z.uuid().safeParse(req.params.id);
    const format = req.query.format;
    if (format !== undefined && format !== 'csv' && format !== 'json') {
      res.status(400).json({ error: 'bad_request', field: 'format', message: '"format" must be csv or json.' });
      return;
    }
    if (!id.success) {
      res.status(404).json({ error: 'not_found', message: 'There is no such access review.' });
      return;
    }
    const report = await reviews.reportFor(id.data);
    const csv = format === 'csv' || (format === undefined && req.accepts(['application/json', 'text/csv']) === 'text/csv');
    if (csv) {
      res
        .status(200)
        .type('text/csv; charset=utf-8')
        .set('Content-Disposition', `attachment; filename="access-review-${report.campaign.number}.csv"`)
        .send(reportCsv(report));
      return;
    }
    res.json(reportJson(report));
  }

  router.get('/api/v1/reviews/:id/report', answering(logger, answer));
  return router;
}
