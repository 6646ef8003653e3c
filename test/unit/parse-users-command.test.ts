import { describe, expect, it } from 'vitest';
import { isRosterError } from '../../src/errors';
import { parseInvitees, parseUsersCommand } from '../../src/slack/commands/parse-users-command';
import { tokenize } from '../../src/slack/commands/tokenize';

function refusal(text: string): { message: string; hint?: string } {
  try {
    parseUsersCommand(text);
  } catch (error) {
    if (!isRosterError(error)) throw error;
    expect(error.code).toBe('bad_input');
    return { message: error.message, hint: error.hint };
  }
  throw new Error(`expected "${text}" to be refused`);
}

describe('tokenize', () => {
  it.each([
    ['a b  c', ['a', 'b', 'c']],
    ['--note "hello world" x', ['--note', 'hello world', 'x']],
    ["--note 'single quoted'", ['--note', 'single quoted']],
    ['--name “Ann Lee” --note ‘hi there’', ['--name', 'Ann Lee', '--note', 'hi there']],
    ['--name="Ann Lee"', ['--name=Ann Lee']],
    ["O'Brien stays", ["O'Brien", 'stays']],
    ['<@U123ABC|ann> <mailto:b@x.com|b@x.com>', ['@U123ABC', 'b@x.com']],
    ['say &lt;hi&gt; &amp; bye', ['say', '<hi>', '&', 'bye']],
  ])('%s', (text, tokens) => {
    expect(tokenize(text)).toEqual(tokens);
  });

  it('refuses an unterminated quote', () => {
    expect(() => tokenize('--note "never closed')).toThrow(/never closed/);
  });
});

describe('parseUsersCommand', () => {
  it.each([
    ['', { kind: 'home' }],
    ['help', { kind: 'help', subcommand: undefined }],
    ['help invite', { kind: 'help', subcommand: 'invite' }],
    ['list', { kind: 'list', page: 1 }],
    [
      'list ann --status active --page 2 --role editor --group "Sales team"',
      { kind: 'list', text: 'ann', status: 'active', page: 2, role: 'editor', group: 'Sales team' },
    ],
    ['show Ann@X.com', { kind: 'show', who: { email: 'ann@x.com' } }],
    ['show <@U0ANN|ann>', { kind: 'show', who: { slackUserId: 'U0ANN' } }],
    ['invite', { kind: 'invite-modal' }],
    [
      'invite a@x.com, b@x.com c@x.com --group Default --role editor --perm content:publish --group Ops --note “Welcome!”',
      {
        kind: 'invite',
        emails: ['a@x.com', 'b@x.com', 'c@x.com'],
        roles: ['editor'],
        products: {},
        groups: ['Default', 'Ops'],
        perms: ['content:publish'],
        note: 'Welcome!',
      },
    ],
    [
      'invite a@x.com --product crm=editor --product analytics=none',
      { kind: 'invite', emails: ['a@x.com'], roles: [], products: { crm: 'editor', analytics: 'none' }, groups: [], perms: [] },
    ],
    [
      'invite a@x.com --role editor --role partner=acme',
      { kind: 'invite', emails: ['a@x.com'], roles: ['editor', 'partner=acme'], products: {}, groups: [], perms: [] },
    ],
    ['resend a@x.com', { kind: 'resend', who: { email: 'a@x.com' } }],
    [
      'invite Alice@x.com:editor bob@x.com:viewer, c@x.com --group Ops',
      {
        kind: 'invite',
        emails: ['c@x.com'],
        roles: [],
        products: {},
        groups: ['Ops'],
        perms: [],
        people: [
          { email: 'alice@x.com', access: ['editor'] },
          { email: 'bob@x.com', access: ['viewer'] },
        ],
      },
    ],
    [
      'invite pat@x.com:normal+partner=Acme+partner=Globex d@x.com:crm=editor+analytics=none',
      {
        kind: 'invite',
        emails: [],
        roles: [],
        products: {},
        groups: [],
        perms: [],
        people: [
          { email: 'pat@x.com', access: ['normal', 'partner=Acme', 'partner=Globex'] },
          { email: 'd@x.com', access: ['crm=editor', 'analytics=none'] },
        ],
      },
    ],
    ['invite-link a@x.com', { kind: 'invite-link', who: { email: 'a@x.com' } }],
    ['edit a@x.com', { kind: 'edit', who: { email: 'a@x.com' } }],
    [
      'edit a@x.com --name "Ann Lee" --email=B@x.com',
      { kind: 'edit', who: { email: 'a@x.com' }, name: 'Ann Lee', email: 'b@x.com' },
    ],
    ['roles', { kind: 'bulk-roles' }],
    [
      'roles --status active --group "Sales team" --role viewer --text ann +editor -viewer',
      {
        kind: 'bulk-roles',
        filter: { status: 'active', group: 'Sales team', role: 'viewer', text: 'ann' },
        add: ['editor'],
        remove: ['viewer'],
      },
    ],
    ['delete --status expired --reason "cleanup"', { kind: 'delete', who: [], filter: { status: 'expired' }, reason: 'cleanup' }],
    ['roles a@x.com', { kind: 'roles', who: { email: 'a@x.com' }, add: [], remove: [] }],
    ['roles a@x.com +editor -viewer', { kind: 'roles', who: { email: 'a@x.com' }, add: ['editor'], remove: ['viewer'] }],
    ['perms a@x.com +audit:view', { kind: 'perms', who: { email: 'a@x.com' }, add: ['audit:view'], remove: [] }],
    [
      'groups a@x.com -Default +"Sales team"',
      { kind: 'groups', who: { email: 'a@x.com' }, add: ['Sales team'], remove: ['Default'] },
    ],
    ['group list', { kind: 'group', action: 'list' }],
    ['group rename Default "Everyone else"', { kind: 'group', action: 'rename', name: 'Default', newName: 'Everyone else' }],
    [
      'delete a@x.com b@x.com --reason "left the company"',
      { kind: 'delete', who: [{ email: 'a@x.com' }, { email: 'b@x.com' }], reason: 'left the company' },
    ],
    ['passcode grant a@x.com 7d', { kind: 'passcode', action: 'grant', who: { email: 'a@x.com' }, tenureDays: 7 }],
    ['passcode reset a@x.com', { kind: 'passcode', action: 'reset', who: { email: 'a@x.com' } }],
    [
      'props a@x.com region=eu tier="gold plus" -old',
      { kind: 'props', who: { email: 'a@x.com' }, set: { region: 'eu', tier: 'gold plus' }, remove: ['old'] },
    ],
    ['signin a@x.com Google', { kind: 'signin', who: { email: 'a@x.com' }, method: 'google' }],
    ['audit', { kind: 'audit', limit: 20 }],
    ['audit a@x.com --limit 5', { kind: 'audit', who: { email: 'a@x.com' }, limit: 5 }],
    ['seats', { kind: 'seats' }],
    ['export', { kind: 'export' }],
    ['approvals', { kind: 'approvals' }],
  ])('%s', (text, expected) => {
    expect(parseUsersCommand(text)).toEqual(expected);
  });

  it.each([
    ['frobnicate', 'Unknown command `frobnicate`'],
    ['show', 'Say which user'],
    ['show not-an-address', 'is not an e-mail address or an @mention'],
    ['list --status sleeping', '`--status` must be one of'],
    ['list --page 0', '`--page` must be a whole number from 1'],
    ['list --colour red', '`--colour` is not an option of `/users list`'],
    ['invite a@x.com --role', '`--role` needs a value'],
    ['invite a@x.com --product crm', 'should look like `PRODUCT=LEVEL`'],
    ['passcode grant a@x.com 2d', 'The tenure must be 1d, 7d, 30d or 90d; got `2d`'],
    ['passcode revoke a@x.com', 'Say `grant` or `reset`'],
    ['props a@x.com 9lives=x', '`9lives` is not a property key'],
    ['props a@x.com', 'Say what to set'],
    ['roles a@x.com editor', 'should be `+name` to add or `-name` to remove'],
    ['roles --status gone +editor', '`--status` must be one of'],
    ['roles a@x.com --role viewer +editor', 'Give one user or a filter'],
    ['delete a@x.com --status expired', 'Give users or a filter'],
    ['signin a@x.com github', 'Say `google` or `password`'],
    ['audit --limit 500', '`--limit` must be a whole number from 1 to 200'],
    ['edit a@x.com --email nope', 'is not a valid e-mail address'],
    ['seats now', 'Unexpected `now`'],
  ])('refuses %s', (text, message) => {
    const error = refusal(text);
    expect(error.message).toContain(message);
  });

  it('puts the usage line of the subcommand meant in the hint', () => {
    expect(refusal('passcode grant a@x.com').hint).toBe(
      'Usage: `/users passcode grant <who> <1d|7d|30d|90d> | passcode reset <who>`',
    );
  });
});

describe('password-link --end-password', () => {
  it('is off unless given, in any position and case', () => {
    expect(parseUsersCommand('password-link a@x.com')).toEqual({
      kind: 'password-link',
      who: { email: 'a@x.com' },
      endPassword: false,
    });
    expect(parseUsersCommand('password-link --END-PASSWORD a@x.com')).toEqual({
      kind: 'password-link',
      who: { email: 'a@x.com' },
      endPassword: true,
    });
  });

  it('takes no value, and belongs to password-link only', () => {
    expect(refusal('password-link a@x.com --end-password yes').message).toBe('Unexpected `yes`.');
    expect(refusal('disable a@x.com --end-password').message).toContain('`--end-password` is not an option of `/users disable`');
  });
});

describe("parseInvitees (the invite modal's addresses field)", () => {
  it("keeps plain addresses for the form's role and groups, and reads rows of their own", () => {
    const text = [
      'ann@x.com, bob@x.com',
      'cy@x.com:admin | Sales team, Ops',
      'di@x.com | Default',
      'ed@x.com:editor fi@x.com',
    ].join('\n');
    expect(parseInvitees(text)).toEqual({
      emails: ['ann@x.com', 'bob@x.com', 'fi@x.com'],
      people: [
        { email: 'cy@x.com', access: ['admin'], groups: ['Sales team', 'Ops'] },
        { email: 'di@x.com', groups: ['Default'] },
        { email: 'ed@x.com', access: ['editor'] },
      ],
    });
  });

  it('treats an empty role after the colon as no role of its own, and an empty bar as no groups', () => {
    expect(parseInvitees('ann@x.com: \nbob@x.com |')).toEqual({
      emails: ['ann@x.com'],
      people: [{ email: 'bob@x.com', groups: [] }],
    });
  });
});

describe('scim-token', () => {
  it('creates or replaces the token with no argument, and ends it with `revoke`', () => {
    expect(parseUsersCommand('scim-token')).toEqual({ kind: 'scim-token', action: 'create' });
    expect(parseUsersCommand('scim-token REVOKE')).toEqual({ kind: 'scim-token', action: 'revoke' });
  });

  it('refuses anything else with its usage line', () => {
    expect(refusal('scim-token rotate')).toMatchObject({
      message: expect.stringContaining('revoke'),
      hint: expect.stringContaining('/users scim-token [revoke]'),
    });
    expect(refusal('scim-token revoke now').hint).toContain('/users scim-token [revoke]');
  });
});

describe('subcommands the table above leaves out', () => {
  it.each([
    ['group create "  Sales team "', { kind: 'group', action: 'create', name: 'Sales team' }],
    ['group DELETE Ops', { kind: 'group', action: 'delete', name: 'Ops' }],
    [
      'group add "Sales team" a@x.com, b@x.com\nc@x.com',
      { kind: 'group', action: 'add', name: 'Sales team', emails: ['a@x.com', 'b@x.com', 'c@x.com'] },
    ],
    ['group remove Ops a@x.com', { kind: 'group', action: 'remove', name: 'Ops', emails: ['a@x.com'] }],
    ['partner list', { kind: 'partner', action: 'list' }],
    ['partner add "  Acme   Corp "', { kind: 'partner', action: 'add', name: 'Acme Corp' }],
    ['disable <@U0ANN|ann>', { kind: 'disable', who: { slackUserId: 'U0ANN' } }],
    ['owner a@x.com', { kind: 'owner', who: { email: 'a@x.com' } }],
    ['delete --group Ops', { kind: 'delete', who: [], filter: { group: 'Ops' } }],
    ['list --page=3', { kind: 'list', page: 3 }],
  ])('%s', (text, expected) => {
    expect(parseUsersCommand(text)).toEqual(expected);
  });

  it.each([
    ['group', 'Say `list`, `create`, `rename`, `delete`, `add` or `remove`', '/users group list'],
    ['group add', 'Give the group’s name', '/users group list'],
    ['group add Ops', 'Give the e-mail addresses to add to Ops', '/users group list'],
    ['group create', 'Give the group’s name', '/users group list'],
    ['group create " "', 'A group name is 1 to 60 characters', '/users group list'],
    ['group rename Ops', 'Give the old and the new name', '/users group list'],
    ['partner remove Acme', 'Say `list`, `add`, `rename` or `delete`', '/users partner list'],
    ['partner add " "', 'Give the partner’s name, 1 to 60 characters', '/users partner list'],
    ['list --role a --role b', 'Give `--role` once.', '/users list'],
    ['edit a@x.com --name ""', '`--name` must be 1 to 100 characters', '/users edit'],
    ['invite --role editor', 'Give at least one e-mail address', '/users invite'],
    [`invite a@x.com --note "${'x'.repeat(1001)}"`, '`--note` can be at most 1000 characters', '/users invite'],
    ['delete', 'Say which users to delete', '/users delete'],
    ['perms a@x.com', 'Say what to change', '/users perms'],
    ['props a@x.com k', 'should be `key=value` to set or `-key` to remove', '/users props'],
    ['help invite roles', 'Unexpected `roles`', '/users help'],
  ])('refuses %s', (text, message, usage) => {
    const error = refusal(text);
    expect(error.message).toContain(message);
    expect(error.hint).toContain(`Usage: \`${usage}`);
  });
});
