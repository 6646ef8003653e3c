import { describe, expect, it } from 'vitest';
import { requestAccessModal } from '../../src/slack/views/request-access-modal';
import type { Role } from '../../src/store/records';
import { viewProblems } from '../support/block-kit-limits';

const role = (key: string, name: string, more: Partial<Role> = {}): Role => ({
  id: `r-${key}`,
  accountId: 'a',
  key,
  name,
  description: '',
  precedence: 10,
  permissions: [],
  product: null,
  scoped: false,
  ...more,
});

describe('the Request access modal', () => {
  it('stays within Block Kit’s limits with long role names and several break-glass roles', () => {
    const roles = [
      role('administrator', 'Administrator of every workspace and product'),
      role('editor', 'Editor'),
      role('partner', 'Partner', { scoped: true }),
    ];
    const view = requestAccessModal(roles, ['content:publish', 'users:view'], ['administrator', 'editor']);
    expect(viewProblems(view)).toEqual([]);
    const text = JSON.stringify(view);
    expect(text).toContain('Emergency: take it now (break-glass)');
    // A scoped role needs a partner: it is asked for with `/users request`, not here.
    expect(text).not.toContain('"value":"partner"');
  });

  it('offers no break-glass where the catalog allows none', () => {
    const view = requestAccessModal([role('editor', 'Editor')], [], []);
    expect(JSON.stringify(view)).not.toContain('break-glass');
    expect(viewProblems(view)).toEqual([]);
  });
});
