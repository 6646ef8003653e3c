/** Sends an access review's report (CSV and JSON) to someone's DM as two files. */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type ReviewReport, reportCsv, reportJson } from '../domain/reviews/review-service';
import { uploadToDm } from './file-upload';
import type { SlackApi } from './slack-api';

export async function uploadReviewReport(
  client: SlackApi,
  slackUserId: string,
  report: ReviewReport,
  comment: string,
): Promise<void> {
  const dir = await mkdtemp(path.join(tmpdir(), 'roster-review-'));
  try {
    const base = `access-review-${report.campaign.number}`;
    const csv = path.join(dir, `${base}.csv`);
    const json = path.join(dir, `${base}.json`);
    await writeFile(csv, reportCsv(report));
    await writeFile(json, `${JSON.stringify(reportJson(report), null, 2)}\n`);
    const title = `Access review #${report.campaign.number} ${report.campaign.name}`;
    await uploadToDm(client, slackUserId, { path: csv, filename: `${base}.csv`, title: `${title} (CSV)`, comment });
    await uploadToDm(client, slackUserId, {
      path: json,
      filename: `${base}.json`,
      title: `${title} (JSON)`,
      comment: 'The same report as JSON.',
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
