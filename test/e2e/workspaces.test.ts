/**
 * Many workspaces, one Roster: Slack's OAuth install creates an account per workspace, every request
 * is served by its own workspace's account only, tokens are sealed, and uninstalling drops the tokens
 * and keeps the directory.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashToken } from '../../src/domain/secrets';
import { ACTIONS, BLOCKS, VIEWS } from '../../src/slack/ids';
import { openInstallation } from '../../src/slack/installation-store';
import { STORE_UNREACHABLE_TEXT } from '../../src/store/store-unreachable';
import { SIGNING_SECRET } from '../support/roster-harness';
import { createSlackClient } from '../support/slack-client';
import { installWorkspace } from '../support/slack-install';
import { dumpStore } from '../support/store-dump';
import { testTargets } from '../support/test-database';
import { createBrowser, csrfOf, outboxLinks, postJson } from '../support/web-client';
import { ROSTER_SECRET, startWorkspacesHarness, type Workspace, type WorkspacesHarness } from '../support/workspaces-harness';

const SHARED_EMAIL = 'sam@shared.example.com';
/** An address whose passcode is guessed at. */
const GUESSED = 'guessed@shared.example.com';
const CARD_ACTIONS = Object.fromEntries(Object.entries(ACTIONS).filter(([name]) => name.startsWith('card')));

describe.each(testTargets())('many workspaces through the OAuth install (%s store)', (target) => {
  let h: WorkspacesHarness;
  let a: Workspace;
  let b: Workspace;
  const accountOf = async (teamId: string) => h.roster.prisma.account.findUniqueOrThrow({ where: { slackTeamId: teamId } });
  const dump = () => dumpStore(h.roster);

  beforeAll(async () => {
    h = await startWorkspacesHarness(target);
    a = await h.install('TAAAAAAA1');
    b = await h.install('TBBBBBBB2');
  });
  afterAll(async () => {
    await h?.close();
  });

  it('creates an account per workspace with the installer as owner and Admin, the catalog and the built-in groups', async () => {
    for (const w of [a, b]) {
      const account = await accountOf(w.teamId);
      expect(account.name).toBe(`Team ${w.teamId}`);
      expect(account.slug).toMatch(/^team-/);
      const owner = await h.roster.prisma.user.findUniqueOrThrow({
        where: { id: account.ownerId as string },
        include: { roles: { include: { role: true } } },
      });
      expect(owner).toMatchObject({ email: w.owner.email, slackUserId: w.owner.slackId, status: 'active' });
      expect(owner.roles.map((r) => r.role.key)).toEqual(['admin']);
      const groups = await h.roster.prisma.group.findMany({ where: { accountId: account.id } });
      expect(groups.map((g) => g.kind).sort()).toEqual(['all_users', 'default']);
      expect(await h.roster.prisma.role.count({ where: { accountId: account.id } })).toBeGreaterThan(2);
    }
    expect(await h.roster.prisma.account.count()).toBe(2);
    // The installer's e-mail came from users.info asked with the new workspace's own token.
    const asked = h.fake.callsTo('users.info').find((c) => c.args.user === a.owner.slackId);
    expect(asked?.token).toBe(a.botToken);
  });

  it('keeps bot tokens sealed in the store and out of the logs', async () => {
    const rows = await h.roster.prisma.slackInstallation.findMany();
    expect(rows).toHaveLength(2);
    const stored = JSON.stringify(rows);
    expect(stored).not.toContain(a.botToken);
    expect(stored).not.toContain(b.botToken);
    expect(h.logs()).not.toContain(a.botToken);
    expect(h.logs()).not.toContain(b.botToken);
  });

  it('verifies the OAuth state: a forged state or a missing cookie installs nothing', async () => {
    h.fake.addWorkspace({
      teamId: 'TFORGED01',
      botToken: 'xoxb-forged',
      installer: { id: 'UFORGED', email: 'mallory@example.com' },
    });
    expect((await installWorkspace(h.baseUrl, h.fake, 'TFORGED01', { state: 'forged' })).status).toBe(400);
    expect((await installWorkspace(h.baseUrl, h.fake, 'TFORGED01', { cookie: false })).status).toBe(400);
    expect(await h.roster.prisma.account.findUnique({ where: { slackTeamId: 'TFORGED01' } })).toBeNull();
  });

  it('invites the same address in both workspaces independently', async () => {
    expect((await a.slack.commandAndWait(a.owner.slackId, `invite ${SHARED_EMAIL}`)).text).toContain(`Invited ${SHARED_EMAIL}`);
    expect((await b.slack.commandAndWait(b.owner.slackId, `invite ${SHARED_EMAIL} --role editor`)).text).toContain(
      `Invited ${SHARED_EMAIL}`,
    );
    const sams = await h.roster.prisma.user.findMany({
      where: { email: SHARED_EMAIL },
      include: { roles: { include: { role: true } } },
    });
    expect(sams).toHaveLength(2);
    const inA = sams.find((u) => u.accountId === (a && sams[0]?.accountId));
    expect(inA).toBeDefined();
    // Each workspace's list shows only its own people.
    const listA = JSON.stringify(await a.slack.commandAndWait(a.owner.slackId, 'list'));
    expect(listA).toContain(a.owner.email);
    expect(listA).not.toContain(b.owner.email);
    // Each workspace's DMs went out with its own token only.
    const tokens = new Set(h.fake.callsTo('chat.postMessage').map((c) => c.token));
    expect([...tokens].every((t) => t === a.botToken || t === b.botToken)).toBe(true);
  });

  it("opens modals with the workspace's own token, over one client: no Slack call goes without one", async () => {
    const from = h.fake.calls.length;
    for (const w of [a, b]) {
      const opened = h.fake.calls.length;
      expect((await w.slack.command(w.owner.slackId, 'invite')).status).toBe(200);
      const modals = () => h.fake.calls.slice(opened).filter((c) => c.method === 'views.open');
      await h.fake.waitFor(() => modals().length === 1);
      expect(modals()[0]?.token).toBe(w.botToken);
    }
    // Bolt is given installations without tokens (installation-store.ts): a listener that called Slack
    // through Bolt's own client instead of its account's would call without one, and Slack would refuse it.
    expect(h.fake.calls.slice(from).filter((c) => !c.token)).toEqual([]);
  });

  it("opens each account's invite page from its own link, and signs in only to the account named", async () => {
    const links = (await outboxLinks(h.dataDir, 'invite')).map((link) => link.replace('http://roster.test', h.baseUrl));
    expect(links).toHaveLength(2);
    const pages = await Promise.all(links.map(async (link) => ({ link, page: await createBrowser().get(link) })));
    const named = (teamId: string) => pages.find((p) => p.page.body.includes(`Team ${teamId}`));
    const [inA, inB] = [named(a.teamId), named(b.teamId)];
    expect(inA && inB && inA !== inB).toBe(true);
    expect(inA?.page.body).not.toContain(`Team ${b.teamId}`);

    const browser = createBrowser();
    const form = await browser.get(inB?.link as string);
    const password = 'correct horse battery staple';
    const done = await browser.post(inB?.link as string, { csrf: csrfOf(form.body), name: 'Sam', method: 'password', password });
    expect(done.status).toBe(200);
    expect(done.body).toContain(`Your Team ${b.teamId} account is active.`);
    const accountA = await accountOf(a.teamId);
    const accountB = await accountOf(b.teamId);
    expect(
      (
        await h.roster.prisma.user.findUniqueOrThrow({
          where: { accountId_email: { accountId: accountA.id, email: SHARED_EMAIL } },
        })
      ).status,
    ).toBe('invited');
    const login = (account: string) => postJson(`${h.baseUrl}/api/v1/login`, { account, email: SHARED_EMAIL, password });
    for (const name of [accountB.slug as string, b.teamId]) {
      const ok = await login(name);
      expect(ok.status).toBe(200);
      expect((ok.json.user as { id: string }).id).not.toBeUndefined();
    }
    expect((await login(accountA.slug as string)).status).toBe(401);
  });

  it('refuses commands, buttons and modal submissions aimed across the boundary, writing nothing', async () => {
    const accountB = await accountOf(b.teamId);
    const ownerB = await h.roster.prisma.user.findUniqueOrThrow({ where: { id: accountB.ownerId as string } });
    const before = await dump();
    // A's owner names B's owner: not in A's directory.
    expect((await a.slack.commandAndWait(a.owner.slackId, `disable ${b.owner.email}`)).text).toMatch(
      /no user|not found|There is no/i,
    );
    // A button value copied from B's messages, clicked in A.
    expect((await a.slack.blockActionAndWait(a.owner.slackId, { actionId: 'card.disable', value: b.owner.email })).text).toMatch(
      /no user|not found|There is no/i,
    );
    // A modal carrying B's user ID in private_metadata, submitted in A.
    await a.slack.viewSubmission(a.owner.slackId, {
      callbackId: VIEWS.edit,
      privateMetadata: JSON.stringify({ userId: ownerB.id }),
      values: {
        [BLOCKS.editName]: { [BLOCKS.editName]: { type: 'plain_text_input', value: 'Hijacked' } },
        [BLOCKS.editEmail]: { [BLOCKS.editEmail]: { type: 'plain_text_input', value: 'hijack@example.com' } },
      },
    });
    await h.fake.waitFor(() =>
      h.fake
        .callsTo('chat.postMessage')
        .some((c) => c.token === a.botToken && /no longer in the directory/.test(String(c.args.text))),
    );
    // B's owner, acting from A's workspace, is a stranger there.
    expect((await a.slack.commandAndWait(b.owner.slackId, 'list', 20_000)).text).toMatch(/not in|no access|directory/i);
    expect(await dump()).toEqual(before);
  });

  it("every command, card button, modal and approval naming the other workspace's people is refused and writes nothing", async () => {
    const accountB = await accountOf(b.teamId);
    const mark = h.fake.calls.length;
    // B has a person of its own, and (with approvals on) a request waiting for an approver.
    expect((await b.slack.commandAndWait(b.owner.slackId, 'invite bea@b-only.example.com')).text).toContain('Invited');
    const bea = await h.roster.prisma.user.findUniqueOrThrow({
      where: { accountId_email: { accountId: accountB.id, email: 'bea@b-only.example.com' } },
    });
    await h.roster.prisma.account.update({ where: { id: accountB.id }, data: { approvalsChannel: 'C0BAPPROVE' } });
    h.roster.accounts.forget(accountB.id);
    // A second Admin in B, who could approve it.
    const adminRole = await h.roster.prisma.role.findUniqueOrThrow({
      where: { accountId_key: { accountId: accountB.id, key: 'admin' } },
    });
    await h.roster.prisma.user.create({
      data: {
        accountId: accountB.id,
        email: 'second-admin@b-only.example.com',
        status: 'active',
        slackUserId: 'UBADMIN2',
        roles: { create: { roleId: adminRole.id } },
      },
    });
    expect((await b.slack.commandAndWait(b.owner.slackId, 'roles bea@b-only.example.com +admin')).text).toMatch(/waits for/i);
    const request = await h.roster.prisma.approvalRequest.findFirstOrThrow({
      where: { accountId: accountB.id, status: 'pending' },
    });

    // Each of B's two commands redraws its owner's App Home after answering: let those land before counting.
    await h.fake.waitFor(
      () => h.fake.calls.slice(mark).filter((c) => c.token === b.botToken && c.method === 'views.publish').length >= 2,
      20_000,
    );
    const before = await dump();
    h.fake.reset();
    const target = bea.email;
    const commands = [
      `show ${target}`,
      `resend ${target}`,
      `invite-link ${target}`,
      `password-link ${target}`,
      `edit ${target} --name Mallory`,
      `roles ${target} +editor`,
      `perms ${target} +users:view`,
      `groups ${target} +Default`,
      `disable ${target}`,
      `enable ${target}`,
      `revoke ${target}`,
      `apikey ${target}`,
      `passcode grant ${target} 7d`,
      `props ${target} team=red`,
      `signin ${target} google`,
      `owner ${b.owner.email}`,
      `audit ${target}`,
    ];
    for (const command of commands) {
      const answer = await a.slack.commandAndWait(a.owner.slackId, command, 20_000);
      expect(answer.text, command).toMatch(/no user|There is no|not in this|not found|No audit events about/i);
    }
    for (const actionId of Object.values(CARD_ACTIONS)) {
      const answer = await a.slack.blockActionAndWait(a.owner.slackId, { actionId, value: target });
      expect(answer.text, actionId).toMatch(/no user|There is no|not found/i);
    }
    // Modals carrying B's IDs in private_metadata, submitted in A.
    const submissions: { callbackId: string; metadata: object; values: Record<string, Record<string, unknown>> }[] = [
      {
        callbackId: VIEWS.roles,
        metadata: { userId: bea.id },
        values: {
          [BLOCKS.rolesGeneral]: {
            [BLOCKS.rolesGeneral]: { type: 'multi_static_select', selected_options: [{ value: 'editor' }] },
          },
        },
      },
      {
        callbackId: VIEWS.passcode,
        metadata: { userId: bea.id },
        values: {
          [BLOCKS.passcodeTenure]: { [BLOCKS.passcodeTenure]: { type: 'static_select', selected_option: { value: '7' } } },
        },
      },
      {
        callbackId: VIEWS.deleteConfirm,
        metadata: { userIds: [bea.id] },
        values: { [BLOCKS.deleteReason]: { [BLOCKS.deleteReason]: { type: 'plain_text_input', value: 'x' } } },
      },
      {
        callbackId: VIEWS.approvalDecision,
        metadata: { id: request.id, approve: true },
        values: { [BLOCKS.approvalReason]: { [BLOCKS.approvalReason]: { type: 'plain_text_input', value: '' } } },
      },
    ];
    for (const view of submissions) {
      await a.slack.viewSubmission(a.owner.slackId, {
        callbackId: view.callbackId,
        privateMetadata: JSON.stringify(view.metadata),
        values: view.values,
      });
    }
    // B's approval request clicked from A's approvals channel.
    await a.slack.blockAction(a.owner.slackId, { actionId: 'approval.approve', value: request.id });
    await h.fake.waitFor(
      () =>
        h.fake.callsTo('chat.postMessage').filter((c) => c.token === a.botToken).length +
          h.fake.callsTo('chat.postEphemeral').length >=
        5,
      20_000,
    );
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(h.fake.callsTo('views.open')).toEqual([]);
    // Nothing went out with B's token, and nothing was written anywhere.
    expect(h.fake.calls.filter((c) => c.token === b.botToken)).toEqual([]);
    expect(await dump()).toEqual(before);
    expect((await h.roster.prisma.approvalRequest.findUniqueOrThrow({ where: { id: request.id } })).status).toBe('pending');
  });

  it('serves the API per account: keys and passcodes find their own, a login names its account', async () => {
    const key = 'rk_workspace_test_key_0123456789abcdef';
    const accountA = await accountOf(a.teamId);
    const accountB = await accountOf(b.teamId);
    const ownerA = await h.roster.prisma.user.findUniqueOrThrow({ where: { id: accountA.ownerId as string } });
    await h.roster.prisma.apiKey.create({
      data: { accountId: accountA.id, userId: ownerA.id, prefix: key.slice(0, 9), keyHash: hashToken(key) },
    });
    const verify = await fetch(`${h.baseUrl}/api/v1/auth/verify`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ apiKey: key }),
    });
    expect(verify.status).toBe(200);
    expect(((await verify.json()) as { user: { email: string } }).user.email).toBe(a.owner.email);
    // The audit API and the product's code exchange find the key's own account too.
    const audit = await fetch(`${h.baseUrl}/api/v1/audit?limit=1000`, { headers: { authorization: `Bearer ${key}` } });
    expect(audit.status).toBe(200);
    const { events } = (await audit.json()) as { events: { target: { email: string } | null }[] };
    expect(events.length).toBeGreaterThan(0);
    expect(JSON.stringify(events)).not.toContain(b.owner.email);
    const exchange = await postJson(
      `${h.baseUrl}/api/v1/auth/exchange`,
      { code: 'not-a-code' },
      { authorization: `Bearer ${key}` },
    );
    expect(exchange.status).not.toBe(401);

    const login = (body: object) =>
      fetch(`${h.baseUrl}/api/v1/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const noAccount = await login({ email: a.owner.email, password: 'x'.repeat(12) });
    expect(noAccount.status).toBe(400);
    expect(((await noAccount.json()) as { field: string }).field).toBe('account');
    // A wrong passcode with its holder's e-mail counts against the account named, and locks only there.
    const verifyPasscode = (account: string | undefined) =>
      postJson(`${h.baseUrl}/api/v1/auth/verify`, {
        passcode: 'rp_not_a_real_passcode',
        email: GUESSED,
        ...(account ? { account } : {}),
      });
    for (let i = 0; i < 5; i++) expect((await verifyPasscode(accountB.slug as string)).status).toBe(401);
    expect(await h.roster.prisma.signInThrottle.count({ where: { accountId: accountB.id, email: GUESSED } })).toBe(1);
    expect(await h.roster.prisma.signInThrottle.count({ where: { accountId: accountA.id, email: GUESSED } })).toBe(0);
    // A workspace named after A's team ID gets a slug that reads the same; the ID still names A.
    h.fake.addWorkspace({
      teamId: 'TCOLLIDE1',
      teamName: a.teamId,
      botToken: 'xoxb-collide',
      installer: { id: 'UCOLLIDE', email: 'mimic@example.com' },
    });
    expect((await installWorkspace(h.baseUrl, h.fake, 'TCOLLIDE1')).status).toBe(200);
    const mimic = await accountOf('TCOLLIDE1');
    expect(mimic.slug).toBe(a.teamId.toLowerCase());
    await verifyPasscode(a.teamId);
    expect(await h.roster.prisma.signInThrottle.count({ where: { accountId: accountA.id, email: GUESSED } })).toBe(1);
    expect(await h.roster.prisma.signInThrottle.count({ where: { accountId: mimic.id } })).toBe(0);
    await verifyPasscode(mimic.slug as string);
    expect(await h.roster.prisma.signInThrottle.count({ where: { accountId: mimic.id } })).toBe(1);
    // A wrong or unknown account answers exactly as a wrong password does.
    for (const account of [accountB.slug, 'no-such-account', a.teamId]) {
      const res = await login({ account, email: a.owner.email, password: 'not-the-password' });
      expect(res.status).toBe(401);
    }
  });

  it('answers SCIM with the account of its token only', async () => {
    const token = await createScimToken(h, a);
    const res = await fetch(`${h.baseUrl}/scim/v2/Users?filter=${encodeURIComponent(`userName eq "${b.owner.email}"`)}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { totalResults: number }).totalResults).toBe(0);
    const own = await fetch(`${h.baseUrl}/scim/v2/Users?filter=${encodeURIComponent(`userName eq "${a.owner.email}"`)}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(((await own.json()) as { totalResults: number }).totalResults).toBe(1);
  });

  it("sends each account's scheduler notices with that account's token only", async () => {
    await a.slack.commandAndWait(a.owner.slackId, 'invite due-a@example.com');
    await b.slack.commandAndWait(b.owner.slackId, 'invite due-b@example.com');
    h.fake.reset();
    h.clock.advanceHours(49);
    const report = await h.roster.scheduler.runOnce();
    expect(report.expired).toBeGreaterThanOrEqual(2);
    const dms = h.fake.callsTo('chat.postMessage');
    const toA = dms.filter((c) => c.token === a.botToken);
    const toB = dms.filter((c) => c.token === b.botToken);
    expect(toA.length).toBeGreaterThan(0);
    expect(toB.length).toBeGreaterThan(0);
    expect(toA.every((c) => !JSON.stringify(c.args).includes(b.owner.email))).toBe(true);
    expect(toB.every((c) => !JSON.stringify(c.args).includes(a.owner.email))).toBe(true);
  });

  it('uninstall drops the tokens at once: no data, no writes, no scheduler calls; a reinstall brings the directory back', async () => {
    const accountB = await accountOf(b.teamId);
    const usersBefore = await h.roster.prisma.user.count({ where: { accountId: accountB.id } });
    expect((await b.slack.appUninstalled()).status).toBe(200);
    await expect.poll(() => h.roster.prisma.slackInstallation.count({ where: { accountId: accountB.id } })).toBe(0);
    h.fake.reset();
    const before = await dump();
    const answer = await b.slack.command(b.owner.slackId, `invite late@example.com`);
    expect(answer.status).toBe(200);
    expect(answer.body).toBe('');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(h.fake.responses).toHaveLength(0);
    expect(await dump()).toEqual(before);
    h.clock.advanceHours(30);
    await h.roster.scheduler.runOnce();
    expect(h.fake.calls.filter((c) => c.token === b.botToken)).toHaveLength(0);

    const again = await b.install();
    expect(again.status).toBe(200);
    expect(await h.roster.prisma.user.count({ where: { accountId: accountB.id } })).toBe(usersBefore);
    expect((await accountOf(b.teamId)).id).toBe(accountB.id);
    const list = JSON.stringify(await b.slack.commandAndWait(b.owner.slackId, 'list'));
    expect(list).toContain(SHARED_EMAIL);
  });

  it('tokens_revoked for the bot ends the installation too', async () => {
    const accountA = await accountOf(a.teamId);
    expect((await a.slack.tokensRevoked()).status).toBe(200);
    await expect.poll(() => h.roster.prisma.slackInstallation.count({ where: { accountId: accountA.id } })).toBe(0);
    const answer = await a.slack.command(a.owner.slackId, 'list');
    expect(answer.body).toBe('');
    await a.install();
  });

  it('an uninstall event older than a reinstall (Slack retries them for an hour) leaves the reinstall alone', async () => {
    const accountA = await accountOf(a.teamId);
    const before = Math.floor(Date.now() / 1000) - 120;
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect((await a.install()).status).toBe(200);
    expect((await a.slack.tokensRevoked({}, { eventTime: before })).status).toBe(200);
    expect((await a.slack.appUninstalled({ eventTime: before })).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await h.roster.prisma.slackInstallation.count({ where: { accountId: accountA.id } })).toBe(1);
    expect(JSON.stringify(await a.slack.commandAndWait(a.owner.slackId, 'list'))).toContain(a.owner.email);
  });

  it('a request from a workspace that never installed Roster gets nothing and writes nothing', async () => {
    h.fake.addWorkspace({
      teamId: 'TSTRANGER',
      botToken: 'xoxb-stranger',
      installer: { id: 'USTRANGE', email: 's@example.com' },
    });
    const stranger = createSlackClient({
      appUrl: `${h.baseUrl}/slack/events`,
      signingSecret: SIGNING_SECRET,
      teamId: 'TSTRANGER',
      fake: h.fake,
    });
    const before = await dump();
    h.fake.reset();
    const answer = await stranger.command('USTRANGE', 'invite x@example.com');
    expect(answer.status).toBe(200);
    expect(answer.body).toBe('');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(h.fake.responses).toHaveLength(0);
    expect(await dump()).toEqual(before);
  });

  it('two installs of one workspace at once make one account and one installation', async () => {
    h.fake.addWorkspace({ teamId: 'TTWICE001', botToken: 'xoxb-twice', installer: { id: 'UTWICE', email: 'twice@example.com' } });
    const results = await Promise.all([0, 1, 2].map(() => installWorkspace(h.baseUrl, h.fake, 'TTWICE001')));
    expect(results.map((r) => r.status)).toEqual([200, 200, 200]);
    const account = await h.roster.prisma.account.findUniqueOrThrow({ where: { slackTeamId: 'TTWICE001' } });
    expect(await h.roster.prisma.slackInstallation.count({ where: { accountId: account.id } })).toBe(1);
    expect(await h.roster.prisma.user.count({ where: { accountId: account.id } })).toBe(1);
    expect(await h.roster.prisma.auditEvent.count({ where: { accountId: account.id, action: 'owner.created' } })).toBe(1);
  });

  it('an org-wide Enterprise Grid install makes one account for the organization', async () => {
    const org = await h.install('TGRIDWS01', { enterpriseId: 'EGRID0001', isEnterpriseInstall: true });
    const account = await h.roster.prisma.account.findUniqueOrThrow({ where: { slackEnterpriseId: 'EGRID0001' } });
    expect(account.slackTeamId).toBeNull();
    const list = JSON.stringify(await org.slack.commandAndWait(org.owner.slackId, 'list'));
    expect(list).toContain(org.owner.email);
  });
});

/** Creates the account's SCIM token as its owner would, and reads it from the DM. */
async function createScimToken(h: WorkspacesHarness, w: Workspace): Promise<string> {
  await w.slack.commandAndWait(w.owner.slackId, 'scim-token');
  const dm = await h.fake.waitFor(() =>
    h.fake.callsTo('chat.postMessage').find((c) => c.token === w.botToken && /rs_[A-Za-z0-9_-]+/.test(JSON.stringify(c.args))),
  );
  return (/rs_[A-Za-z0-9_-]+/.exec(JSON.stringify(dm.args)) as RegExpExecArray)[0];
}

describe.skipIf(!process.env.TEST_POSTGRES_URL)('many workspaces on two replicas (postgres store)', () => {
  let one: WorkspacesHarness;
  let two: WorkspacesHarness;
  beforeAll(async () => {
    one = await startWorkspacesHarness('postgres');
    two = await startWorkspacesHarness('postgres', {}, { replicaOf: one });
  });
  afterAll(async () => {
    await two?.close();
    await one?.close();
  });

  it('moves to a new ROSTER_SECRET: a replica with the old one as ROSTER_SECRET_PREVIOUS opens and reseals each installation', async () => {
    const w = await one.install('TROTATE1');
    const key = 'n'.repeat(64);
    const sealed = async () =>
      (await one.roster.prisma.slackInstallation.findUniqueOrThrow({ where: { installKey: w.teamId } })).sealed;
    const before = await one.roster.prisma.slackInstallation.findUniqueOrThrow({ where: { installKey: w.teamId } });
    const clientOf = (h: WorkspacesHarness) =>
      createSlackClient({ appUrl: `${h.baseUrl}/slack/events`, signingSecret: SIGNING_SECRET, teamId: w.teamId, fake: one.fake });

    const moving = await startWorkspacesHarness(
      'postgres',
      { ROSTER_SECRET: key, ROSTER_SECRET_PREVIOUS: ROSTER_SECRET },
      { replicaOf: one },
    );
    try {
      expect(JSON.stringify(await clientOf(moving).commandAndWait(w.owner.slackId, 'list'))).toContain(w.owner.email);
      expect(openInstallation(await sealed(), key, w.teamId)?.bot?.token).toBe(w.botToken);
      expect(openInstallation(await sealed(), ROSTER_SECRET, w.teamId)).toBeNull();
      // The install's time is kept: late uninstall events are still judged against it.
      const after = await one.roster.prisma.slackInstallation.findUniqueOrThrow({ where: { installKey: w.teamId } });
      expect(after.updatedAt).toEqual(before.updatedAt);
    } finally {
      await moving.close();
    }
    // Once resealed, the new secret alone is enough.
    const moved = await startWorkspacesHarness('postgres', { ROSTER_SECRET: key }, { replicaOf: one });
    try {
      expect(JSON.stringify(await clientOf(moved).commandAndWait(w.owner.slackId, 'list'))).toContain(w.owner.email);
      expect(moved.logs()).not.toContain('does not open with ROSTER_SECRET');
    } finally {
      await moved.close();
    }
  });

  it('an uninstall heard by one replica ends the workspace on the other at once, not when its cache expires', {
    timeout: 60_000,
  }, async () => {
    const w = await one.install('TREPLICA1');
    const onTwo = createSlackClient({
      appUrl: `${two.baseUrl}/slack/events`,
      signingSecret: SIGNING_SECRET,
      teamId: w.teamId,
      fake: one.fake,
    });
    // The second replica has the workspace's account cached.
    expect(JSON.stringify(await onTwo.commandAndWait(w.owner.slackId, 'list'))).toContain(w.owner.email);
    expect((await w.slack.appUninstalled()).status).toBe(200);
    await expect.poll(() => one.roster.prisma.slackInstallation.count({ where: { installKey: w.teamId } })).toBe(0);
    // The second replica's cached copy would answer for 5 minutes; the signal makes it forget within
    // seconds (however busy the machine): ask until it refuses, and the refused command gets no answer.
    const refusals = () => two.logs().match(/refused a (Slack )?request from a workspace without Roster/g)?.length ?? 0;
    let refused: string | undefined;
    await expect
      .poll(
        async () => {
          const before = refusals();
          const { responseId } = await onTwo.command(w.owner.slackId, 'list');
          await one.fake.waitFor(() => refusals() > before || one.fake.responses.some((r) => r.id === responseId), 10_000);
          if (refusals() > before) refused = responseId;
          return refused !== undefined;
        },
        { timeout: 30_000, interval: 200 },
      )
      .toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(one.fake.responses.filter((r) => r.id === refused)).toEqual([]);
    // And a reinstall through the first replica is served by the second at once.
    expect((await w.install()).status).toBe(200);
    expect(JSON.stringify(await onTwo.commandAndWait(w.owner.slackId, 'list'))).toContain(w.owner.email);
  });
});

describe('a store that cannot be reached in distributed mode (embedded store)', () => {
  let h: WorkspacesHarness;
  afterAll(async () => {
    await h?.close();
  });

  it('answers a command and a form from a workspace whose installation is not in memory, within Slack’s deadline', async () => {
    h = await startWorkspacesHarness('embedded');
    const w = await h.install('TCCCCCCC3');
    expect((await w.slack.commandAndWait(w.owner.slackId, 'seats')).text).toContain('seats');
    // Nothing cached: Bolt must read the installation before any of Roster's middleware runs.
    h.roster.accounts.forgetAll();
    await h.roster.prisma.$disconnect();
    await h.roster.database.embedded?.close();

    const started = Date.now();
    const answer = await w.slack.commandAndWait(w.owner.slackId, 'list');
    expect(answer.text).toBe(`:warning: ${STORE_UNREACHABLE_TEXT}`);
    expect(Date.now() - started).toBeLessThan(3000);
    const submitted = await w.slack.viewSubmission(w.owner.slackId, { callbackId: VIEWS.invite, values: {} });
    expect(submitted.status).toBe(200);
    expect(submitted.json?.response_action).toBe('push');
    expect(JSON.stringify(submitted.json)).toContain('cannot be reached');
    expect(h.logs()).not.toMatch(/"level":50/);
  });
});
