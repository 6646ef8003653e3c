/**
 * What a person sees of an HTML e-mail: headless Chromium lays it out and reports the visible text, the
 * links with their visible labels, and what the page ran or loaded. No browser driver: Chromium's own
 * `--dump-dom`, on a copy of the e-mail with a script of ours that writes its findings into the DOM.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** The Chromium binary, or null when none is installed (`apt-get install -y chromium`). */
export function chromiumPath(): string | null {
  const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];
  return candidates.find((candidate): candidate is string => !!candidate && existsSync(candidate)) ?? null;
}

/** What the laid-out page shows. */
export interface SeenEmail {
  /** `document.body.innerText`: visible text only, as laid out. */
  text: string;
  /** Every link a person can see, with its label and where it goes. */
  links: { label: string; href: string; width: number; height: number }[];
  /** `<script>` elements besides ours: an escaped value never adds one. */
  scripts: number;
  /** Elements an escaped value never adds. */
  images: number;
  iframes: number;
  /** The document title (a hostile `onerror` would change it). */
  title: string;
}

const PROBE = `<script>
addEventListener('load', () => {
  const links = [...document.querySelectorAll('a')].map((a) => {
    const box = a.getBoundingClientRect();
    return { label: a.innerText.trim(), href: a.href, width: box.width, height: box.height };
  }).filter((l) => l.width > 0 && l.height > 0);
  const seen = {
    text: document.body.innerText,
    links,
    scripts: document.scripts.length - 1,
    images: document.images.length,
    iframes: document.querySelectorAll('iframe').length,
    title: document.title,
  };
  const out = document.createElement('meta');
  out.id = 'seen';
  out.content = btoa(String.fromCharCode(...new TextEncoder().encode(JSON.stringify(seen))));
  document.head.append(out);
});
</script>`;

/** Lays out `html` in headless Chromium (offline: no request leaves the machine) and reports what it shows. */
export async function whatAPersonSees(html: string, chromium: string): Promise<SeenEmail> {
  const dir = await mkdtemp(path.join(tmpdir(), 'roster-mail-view-'));
  try {
    const file = path.join(dir, 'mail.html');
    await writeFile(file, html.replace(/<\/body>/i, `${PROBE}</body>`));
    const dom = await new Promise<string>((resolve, reject) => {
      execFile(
        chromium,
        [
          '--headless',
          '--no-sandbox',
          '--disable-gpu',
          '--no-first-run',
          '--disable-extensions',
          `--user-data-dir=${path.join(dir, 'profile')}`,
          '--proxy-server=127.0.0.1:9',
          '--window-size=600,1200',
          '--virtual-time-budget=2000',
          '--dump-dom',
          `file://${file}`,
        ],
        { timeout: 30_000, maxBuffer: 16 * 1024 * 1024 },
        (error, stdout) => (error ? reject(error) : resolve(stdout)),
      );
    });
    const found = /<meta id="seen" content="([^"]+)">/.exec(dom)?.[1];
    if (!found) throw new Error('Chromium laid out the e-mail but our probe did not report');
    return JSON.parse(Buffer.from(found, 'base64').toString('utf8')) as SeenEmail;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
