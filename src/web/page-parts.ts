/** What the web pages share: the security headers, a page or notice sent, and a form's errors. */
import type { NextFunction, Request, Response } from 'express';
import { CONTENT_SECURITY_POLICY, type Html, html, page } from './html';

/** A message for the form and the field it is about, if any. */
export interface FormProblem {
  message: string;
  field?: string;
}

/** Sends a whole page with the given status. */
export function send(res: Response, status: number, title: string, body: ReturnType<typeof html>) {
  res.status(status).type('html').send(page(title, body));
}

/** Sends a page that only says something: a heading, a message and, if given, what to do next. */
export function notice(res: Response, status: number, title: string, message: string, next?: string | Html) {
  send(res, status, title, html`<h1>${title}</h1><p>${message}</p>${next ? html`<p>${next}</p>` : ''}`);
}

/** A form error, placed just before the field at fault and announced by screen readers as the page loads. */
export function fieldError(message: string) {
  return html`<p class="error" id="form-error" role="alert">${message}</p>`;
}

/** A field's description (its hint, and the error when it is at fault); the field at fault also gets the cursor. */
export function described(fault: boolean, hint?: string) {
  const ids = [hint, fault ? 'form-error' : undefined].filter(Boolean).join(' ');
  return html`${ids ? html` aria-describedby="${ids}"` : ''}${fault ? html` aria-invalid="true" autofocus` : ''}`;
}

/** Security headers on every page: no framing, no caching, no referrer, a strict CSP. */
export function pageHeaders(_req: Request, res: Response, next: NextFunction) {
  res.set({
    'Content-Security-Policy': CONTENT_SECURITY_POLICY,
    'Cache-Control': 'no-store',
    'Referrer-Policy': 'no-referrer',
    'X-Content-Type-Options': 'nosniff',
    'X-Frame-Options': 'DENY',
  });
  next();
}
