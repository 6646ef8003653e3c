/** A tiny browser for Roster's pages: keeps cookies, reads the CSRF field, posts forms. */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';

export interface PageResult {
  status: number;
  body: string;
  headers: Headers;
}

export function createBrowser() {
  const cookies = new Map<string, string>();
  function remember(response: Response) {
    for (const header of response.headers.getSetCookie()) {
      const [pair] = header.split(';');
      const [name, ...value] = (pair ?? '').split('=');
      if (name) cookies.set(name.trim(), value.join('='));
    }
  }
  const cookieHeader = () => [...cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  return {
    cookies,
    async get(url: string): Promise<PageResult> {
      const response = await fetch(url, { headers: { cookie: cookieHeader() } });
      remember(response);
      return { status: response.status, headers: response.headers, body: await response.text() };
    },
    async post(url: string, form: Record<string, string>, headers: Record<string, string> = {}): Promise<PageResult> {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: cookieHeader(), ...headers },
        body: new URLSearchParams(form).toString(),
      });
      remember(response);
      return { status: response.status, headers: response.headers, body: await response.text() };
    },
  };
}

/** The CSRF token in a page's form. */
export function csrfOf(body: string): string {
  const match = /name="csrf" value="([^"]+)"/.exec(body);
  if (!match?.[1]) throw new Error('no CSRF field in the page');
  return match[1];
}

/** Every link to Roster's pages found in the .eml files of the outbox, oldest first. */
export async function outboxLinks(dataDir: string, kind: 'invite' | 'password'): Promise<string[]> {
  const dir = path.join(dataDir, 'outbox');
  const files = (await readdir(dir).catch(() => [])).sort();
  const links: string[] = [];
  for (const file of files) {
    const text = (await readFile(path.join(dir, file), 'utf8')).replace(/=\r?\n/g, '');
    for (const match of text.matchAll(new RegExp(`https?://[^\\s"]+/${kind}/[A-Za-z0-9_-]+`, 'g'))) links.push(match[0]);
  }
  return links;
}

/** Posts JSON to `url` (through `via`, e.g. a listener harness's in-process fetch). */
export async function postJson(url: string, body: unknown, headers: Record<string, string> = {}, via: typeof fetch = fetch) {
  const response = await via(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, json: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

let addressCounter = 0;
/** A fresh client address (TEST-NET-2), so per-address limits stay out of the way. */
export const freshAddress = () => `198.51.100.${++addressCounter % 250}`;
