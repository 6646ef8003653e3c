/**
 * Slack's HTTP as both its sides speak it: the signature on what Slack sends an app, and the body of a
 * Web API call as Slack reads it (a form or JSON, with its block and view fields as JSON inside a form).
 * The playground's stand-in and requests use it, and so does the tests' fake Slack.
 */
import { createHmac } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** Fields Slack's clients send as JSON inside a form. */
const JSON_FIELDS = ['blocks', 'view', 'attachments', 'files', 'metadata'];

/** `x-slack-signature` for `body` sent at `timestamp` (seconds), as Slack signs a request to an app. */
export function slackSignature(secret: string, timestamp: number, body: string): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
}

export function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** A Web API call's arguments: JSON, or a form whose JSON fields are parsed; any other body, none. */
export function parseArgs(contentType: string, body: Buffer): Record<string, unknown> {
  const text = body.toString('utf8');
  let args: Record<string, unknown> = {};
  if (contentType.includes('application/json')) args = text ? JSON.parse(text) : {};
  else if (contentType.includes('application/x-www-form-urlencoded')) args = Object.fromEntries(new URLSearchParams(text));
  for (const field of JSON_FIELDS) {
    if (typeof args[field] === 'string') {
      try {
        args[field] = JSON.parse(args[field] as string);
      } catch {
        // left as sent
      }
    }
  }
  return args;
}
