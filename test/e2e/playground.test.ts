/**
 * The playground as an evaluator meets it, in a real headless Chromium (Debian's `chromium`, driven by
 * playwright-core): the real Roster inside, its stand-in Slack, the page's Block Kit. Olivia invites
 * Leo as an Admin through the modal; Adam approves in #roster-approvals; Leo accepts on the real
 * invite page; Olivia sees him active; two days are fast-forwarded. With PLAYGROUND_SCREENSHOTS set
 * to a directory, the main screens are saved there (docs/playground holds the README's).
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type Browser, chromium, type Locator, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Playground, startPlayground } from '../../src/playground/start-playground';
import { chromiumPath } from '../support/chromium-view';
import { seedDataDir } from '../support/test-database';
import { postJson } from '../support/web-client';

const executablePath = chromiumPath();
if (!executablePath)
  console.warn('playground.test.ts: Chromium is not installed (apt-get install -y chromium), so the page is not tried.');
const screenshots = process.env.PLAYGROUND_SCREENSHOTS;
const UNREACHABLE_STORE = 'postgresql://nobody@127.0.0.1:9/roster';

describe.skipIf(!executablePath)('the playground in a browser', () => {
  let dataDir: string;
  let playground: Playground;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'roster-playground-'));
    // A migrated store copy where the playground keeps its own (DATA_DIR/playground), as on a first start.
    await mkdir(path.join(dataDir, 'playground'), { mode: 0o700 });
    await seedDataDir(path.join(dataDir, 'playground'));
    // A real store that cannot be reached: the playground keeps its data apart and never opens it.
    playground = await startPlayground({ DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'silent', DATABASE_URL: UNREACHABLE_STORE });
    browser = await chromium.launch({
      executablePath: executablePath as string,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    });
    page = await browser.newPage({ viewport: { width: 1280, height: 820 } });
    await page.goto(playground.url);
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await playground?.stop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  async function shot(name: string) {
    if (screenshots) await page.screenshot({ path: path.join(screenshots, `${name}.png`) });
  }

  async function type(command: string) {
    await page.fill('#message', command);
    await page.click('#composer button');
  }

  const pane = () => page.locator('#pane');

  /** Waits until `locator` shows `text` (Playwright's own waiting; vitest's expect does not wait). */
  async function shows(locator: Locator, text: string | RegExp) {
    await locator.filter({ hasText: text }).first().waitFor({ timeout: 10_000 });
  }

  it('lists the seeded directory for the owner', async () => {
    await shows(page.locator('#people'), 'Olivia Owens');
    await type('/users list');
    await shows(pane(), '4 users');
    for (const who of ['Olivia Owens', 'Adam Alvarez', 'Mia Moreau', 'Victor Vance']) await shows(pane(), who);
    await shows(pane(), 'Only visible to you');
    await shot('list');
    // Typed as in Slack: a mention reaches Roster as Slack escapes it.
    await type('/users show @adam');
    await shows(pane().locator('.message').last(), 'adam@example.com');
  });

  it('invites an Admin through the modal, which waits for an approver', async () => {
    await type('/users invite');
    const modal = page.locator('.modal');
    await modal.waitFor();
    await shows(modal.locator('h2'), 'Invite people');
    await modal.locator('textarea').first().fill('leo@example.com');
    await modal.locator('.input-block', { hasText: 'Roles' }).locator('select').selectOption({ label: 'Admin' });
    await shot('invite-modal');
    await modal.locator('button[type=submit]').click();
    await modal.waitFor({ state: 'detached' });
    await shows(pane(), 'This needs approval');
    await shows(pane(), 'leo@example.com');
    // The request arrived in #roster-approvals, unread.
    await shows(page.locator('#channels button', { hasText: 'roster-approvals' }).locator('.badge'), '1');
  });

  it('shows a modal error under the field at fault and keeps what was typed', async () => {
    await type('/users invite');
    const modal = page.locator('.modal');
    await modal.locator('textarea').first().fill('not-an-address');
    await modal.locator('button[type=submit]').click();
    await shows(modal.locator('.error'), 'not-an-address');
    expect(await modal.locator('textarea').first().inputValue()).toBe('not-an-address');
    await modal.getByRole('button', { name: 'Cancel' }).click();
    await modal.waitFor({ state: 'detached' });
  });

  it('lets the second Admin approve in the approvals channel', async () => {
    await page.click('#channels >> text=roster-approvals');
    await shows(pane(), 'Invite leo@example.com as admin');
    expect(await page.locator('#channels button', { hasText: 'roster-approvals' }).locator('.badge').count()).toBe(0);
    await page.click('#people >> text=Adam Alvarez');
    await shows(page.locator('#people button[aria-current=true]'), 'Adam Alvarez');
    await shot('approval');
    await pane().getByRole('button', { name: 'Approve', exact: true }).click();
    const modal = page.locator('.modal');
    await shows(modal.locator('h2'), 'Approve change');
    await modal.locator('textarea').fill('Leo is on call this week');
    await shot('approve-modal');
    await modal.locator('button[type=submit]').click();
    await modal.waitFor({ state: 'detached' });
    await pane().getByRole('button', { name: 'Approve', exact: true }).waitFor({ state: 'detached' });
    await shows(pane(), /approved/i);
  });

  it('mails Leo a link that opens the real invite page, where he accepts', async () => {
    await page.click('#outside >> text=E-mail outbox');
    const mail = pane().locator('.outbox-mail', { hasText: 'leo@example.com' });
    await mail.waitFor();
    // The outbox is not a channel: nothing to type there.
    expect(await page.locator('#composer').isVisible()).toBe(false);
    await shot('outbox');
    const link = await mail.locator('a[href*="/invite/"]').first().getAttribute('href');
    expect(link).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/invite\//);
    const invite = await browser.newPage();
    await invite.goto(link as string);
    await shows(invite.locator('h1'), 'Join');
    await invite.fill('#name', 'Leo Lin');
    await invite.click('button[value=google]');
    await shows(invite.locator('h1'), 'You are in');
    await invite.close();
  });

  it('shows Leo active as an Admin to the owner, and the outcome in the requester DM', async () => {
    await page.click('#people >> text=Olivia Owens');
    await page.click('#channels >> text=general');
    await type('/users show leo@example.com');
    await shows(pane(), 'Leo Lin');
    const card = pane().locator('.message').last();
    await shows(card, 'Admin');
    await shows(card, 'active');
    await page.click('#apps >> text=Messages');
    await shows(pane(), /approved/i);
    // Switching person in the DM pane shows their own DM, where what they type is answered.
    await page.click('#people >> text=Mia Moreau');
    await type('/users help');
    await shows(pane().locator('.message').last(), '/users');
    expect(await pane().innerText()).not.toMatch(/approved/i);
    await page.click('#people >> text=Olivia Owens');
  });

  it('asks a button’s confirm dialog first: Cancel sends nothing, confirming sends the click', async () => {
    await page.click('#channels >> text=general');
    await type('/users show leo@example.com');
    const card = pane().locator('.message').last();
    await shows(card, 'Use password sign-in');
    const button = card.getByRole('button', { name: 'Use password sign-in' });
    const confirm = page.locator('#confirm-layer .confirm');
    await button.click();
    await shows(confirm.locator('h2'), 'Switch to a password?');
    await shot('confirm');
    await confirm.locator('[data-answer=no]').click();
    await confirm.waitFor({ state: 'detached' });
    // Cancel sent nothing: no password link went out (a count of the pane's messages also counted late
    // arrivals from earlier steps, and once failed so).
    await page.waitForTimeout(500);
    expect(await pane().innerText()).not.toMatch(/password link/i);
    await button.click();
    await confirm.locator('[data-answer=yes]').click();
    await shows(pane(), /password link/i);
    await page.click('#outside >> text=E-mail outbox');
    await shows(pane().locator('.outbox-mail', { hasText: 'leo@example.com' }).first(), /password/i);
  });

  it('opens a modal from an App Home button', async () => {
    await page.click('#apps >> text=Home');
    await pane().getByRole('button', { name: 'Invite', exact: true }).click();
    const modal = page.locator('.modal');
    await shows(modal.locator('h2'), 'Invite people');
    await modal.getByRole('button', { name: 'Cancel' }).click();
    await modal.waitFor({ state: 'detached' });
  });

  it('delivers the export as a file in the DM, downloadable from the page', async () => {
    await page.click('#channels >> text=general');
    await type('/users export');
    await page.click('#apps >> text=Messages');
    const file = pane().locator('a[download]', { hasText: '.csv' }).last();
    await file.waitFor({ timeout: 15_000 });
    const csv = await (await fetch(new URL((await file.getAttribute('href')) as string, playground.url))).text();
    expect(csv).toContain('leo@example.com');
    expect(csv).toContain('olivia@example.com');
  });

  it('runs an access review from the DM: Keep in place, Remove access with a note in a modal', async () => {
    await page.click('#channels >> text=general');
    await type('/users review start --role editor --role viewer --reviewer owner');
    await shows(pane(), 'Started Access review #1');
    await page.click('#apps >> text=Messages');
    const review = () => pane().locator('.message', { hasText: 'Access review #1' }).last();
    // Rows in e-mail order: Adam (Viewer besides Admin), Mia (Editor), Victor (Viewer).
    await shows(review(), '3 left for you');
    await shot('review');
    await review().getByRole('button', { name: 'Keep', exact: true }).nth(2).click();
    await shows(review(), '2 left for you');
    await review().getByRole('button', { name: 'Remove access' }).nth(1).click();
    const modal = page.locator('.modal');
    await shows(modal.locator('h2'), 'Remove access');
    await shows(modal, 'Then: Roles of mia@example.com are now viewer.');
    await modal.locator('textarea').first().fill('Moved to support');
    await modal.locator('button[type=submit]').click();
    await modal.waitFor({ state: 'detached' });
    await page.click('#channels >> text=general');
    await type('/users review status 1');
    await shows(pane().locator('.message').last(), '2 of 3 decided');
  });

  it('talks only to its stand-in Slack, and refuses someone outside its workspace', async () => {
    expect(new URL(playground.roster.config.slack.apiUrl as string).hostname).toBe('127.0.0.1');
    expect(playground.roster.config.databaseUrl).toBeUndefined();
    expect(playground.roster.database.embedded).toBeTruthy();
    const command = (body: unknown) => postJson(new URL('/playground/command', playground.url).href, body);
    const refused = await command({ as: 'U0STRANGER', channel: 'C0GENERAL01', text: 'list' });
    expect(refused.status).toBe(400);
    expect(refused.json.error).toMatch(/^as: /);
    // Nobody types in someone else's DM with the app.
    const elsewhere = await command({ as: 'U0ADAM0002', channel: 'D0OLIVIA01', text: 'list' });
    expect(elsewhere.status).toBe(400);
    expect(elsewhere.json.error).toMatch(/^channel: /);
  });

  it('answers only at its own address: a page that rebinds another name to loopback gets nothing', async () => {
    const { port } = new URL(playground.url);
    const asked = (host: string, at = '/playground/state?as=U0OLIVIA01&since=-1') =>
      new Promise<number>((resolve, reject) => {
        const request = httpRequest({ host: '127.0.0.1', port, path: at, headers: { host } }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        request.on('error', reject).end();
      });
    expect(await asked(`evil.example:${port}`)).toBe(421);
    expect(await asked(`evil.example:${port}`, '/PLAYGROUND/state?as=U0OLIVIA01&since=-1')).toBe(421);
    // The same, whatever the case of the path (Express matches paths case-insensitively by default).
    const shouted = await fetch(new URL('/PLAYGROUND/state?as=U0OLIVIA01&since=-1', playground.url));
    expect(shouted.status).toBe(404);
    expect(await asked(`localhost:${port}`)).toBe(200);
    expect(await asked(`127.0.0.1:${port}`)).toBe(200);
  });

  it('opens App Home with the owner view', async () => {
    await page.click('#apps >> text=Home');
    await pane().locator('.block').first().waitFor();
    await shot('app-home');
  });

  it('fast-forwards a day to a reminder and two more to an expired invite, its DM and digest, and a re-invite', async () => {
    await page.click('#channels >> text=general');
    await type('/users invite zoe@example.org');
    await shows(pane(), 'zoe@example.org');
    // A day later Zoe is reminded (after 24 hours); another two and her invite has expired.
    await page.click('#fast-forward-day');
    await shows(page.locator('#toast'), 'A day later: 1 invite reminded');
    await shows(page.locator('#now'), '1 day ahead');
    await page.click('#fast-forward');
    await shows(page.locator('#toast'), '2 days later');
    await shows(page.locator('#toast'), '1 invite expired');
    await shows(page.locator('#now'), '3 days ahead');
    await type('/users list --status expired');
    await shows(pane().locator('.message').last(), 'zoe@example.org');
    await page.click('#apps >> text=Messages');
    await shows(pane(), 'zoe@example.org');
    await shot('fast-forward');
    // The notices channel has the expiry digest, whose Re-invite sends Zoe a new link.
    await page.click('#channels >> text=roster-notices');
    await shows(pane(), 'zoe@example.org');
    await shot('notices');
    const mailsToZoe = () => pane().locator('.outbox-mail', { hasText: 'To zoe@example.org' }).count();
    await pane().getByRole('button', { name: 'Re-invite' }).first().click();
    await page.click('#outside >> text=E-mail outbox');
    // The invite, the reminder, the new invite.
    await pane().locator('.outbox-mail', { hasText: 'To zoe@example.org' }).nth(2).waitFor();
    expect(await mailsToZoe()).toBe(3);
    await page.click('#channels >> text=general');
    await type('/users show zoe@example.org');
    await shows(pane().locator('.message').last(), 'invited');
  });

  it('says in one line when its port is taken, naming PORT', async () => {
    const other = await mkdtemp(path.join(tmpdir(), 'roster-playground-'));
    try {
      await mkdir(path.join(other, 'playground'), { mode: 0o700 });
      await seedDataDir(path.join(other, 'playground'));
      const { port } = new URL(playground.url);
      await expect(startPlayground({ DATA_DIR: other, PORT: port, LOG_LEVEL: 'silent' })).rejects.toThrow(
        `Roster cannot start: port ${port} is in use by another program. Stop it, or set PORT to another port (PORT=0 picks a free one).`,
      );
    } finally {
      await rm(other, { recursive: true, force: true });
    }
  });

  it('starts again on its store with the directory kept and nothing seeded twice', async () => {
    await playground.stop();
    playground = await startPlayground({ DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'silent' });
    await page.goto(playground.url);
    await type('/users list');
    await shows(pane(), '6 users');
    await shows(pane(), 'Leo Lin');
  });
});
