/**
 * The domain harness's services with a time-bound grant policy in the catalog (`policy.grants`,
 * `policy.grantWarningMinutes`), which the harness's own `services()` cannot be given: the same
 * `createServices` over the same standard catalog, store, clock and settings, the policy merged in.
 */
import pino from 'pino';
import { createServices, type Services } from '../../src/create-services';
import { settingsDefaults } from '../../src/domain/account/account-settings';
import { type GrantRule, grantRuleSchema } from '../../src/domain/grants/grant-policy';
import type { Delivery } from '../../src/domain/ports';
import { loadCatalog, type Policy } from '../../src/domain/roles/catalog';
import type { Database } from '../../src/store/database';
import { type DomainHarness, LINK_SECRET } from './domain-harness';

export interface GrantServicesOptions {
  /** `policy.grants`, each rule completed with the policy's defaults. */
  grants?: Record<string, Partial<GrantRule>>;
  grantWarningMinutes?: number;
  /** Approvals on (with these actions) when given, off otherwise, as in `DomainHarness['services']`. */
  approvals?: Policy['approvals']['actions'];
  /** With approvals off: the catalog's actions all the same (the preset's, by default none). */
  actionsWhileOff?: Policy['approvals']['actions'];
  /** Another connection to the store (a second replica); the harness's own by default. */
  prisma?: Database['prisma'];
}

/** Every service of `h`'s account, built over a catalog whose policy says `options`. */
export function grantServices(h: DomainHarness, options: GrantServicesOptions = {}): Services {
  const { catalog: standard } = loadCatalog();
  const grants = Object.fromEntries(
    Object.entries(options.grants ?? {}).map(([key, rule]) => [key, grantRuleSchema.parse(rule)]),
  );
  const catalog = {
    ...standard,
    policy: {
      ...standard.policy,
      grants,
      grantWarningMinutes: options.grantWarningMinutes ?? standard.policy.grantWarningMinutes,
      approvals: { ...standard.policy.approvals, actions: options.approvals ?? options.actionsWhileOff ?? {} },
    },
  };
  const delivery: Delivery = {
    async send(message) {
      h.sent.push(message);
      return { email: message.email, slack: 'not-in-workspace', mail: 'sent', problems: [] };
    },
  };
  return createServices(
    {
      catalog,
      seatLimit: 25,
      inviteTtlHours: 48,
      publicUrl: 'http://roster.test',
      linkSecret: LINK_SECRET,
      approvalsChannel: options.approvals ? 'C0APPROVALS' : undefined,
      webhooks: { allowPrivate: true, timeoutMs: 1000, keyMaterials: [LINK_SECRET] },
    },
    {
      prisma: options.prisma ?? h.db.prisma,
      accountId: h.accountId,
      clock: h.clock,
      logger: pino({ level: 'silent' }),
      profiles: { profileOf: async () => null, inWorkspace: async () => true },
      messenger: { send: async () => false },
      delivery,
      settingsDefaults: settingsDefaults({
        seatLimit: 25,
        inviteTtlHours: 48,
        catalog,
        catalogSource: 'config/presets/standard.yaml',
      }),
    },
  );
}
