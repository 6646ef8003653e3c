/**
 * The role catalog, products and policy: read from `ROSTER_CONFIG` (YAML or JSON) or the built-in
 * standard preset, and validated by zod so that a bad file stops start-up with its path and reason.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { ConfigError } from '../../errors';
import { grantRuleSchema } from '../grants/grant-policy';
import { scheduledReviewSchema } from '../reviews/review-scope';
import { ADMIN_PLANE_PERMISSIONS } from './permissions';
import { MULTIPLE_ROLES } from './precedence';

/** The key of the role that holds every permission and that the owner must keep. */
export const ADMIN_ROLE = 'admin';
/** A role permission that stands for every permission. */
export const ALL_PERMISSIONS = '*';

const key = z.string().regex(/^[a-z][a-z0-9:_-]{0,47}$/, 'a lower-case key such as "editor" or "crm:read"');

const roleSchema = z.object({
  key,
  name: z.string().min(1).max(60),
  description: z.string().max(300).default(''),
  precedence: z.number().int().min(0).max(1000),
  permissions: z.array(z.string().min(1)).default([]),
  product: key.optional(),
  scoped: z.boolean().default(false),
});

const permissionSchema = z.object({
  key,
  description: z.string().max(300).default(''),
  grantableTo: z.array(key).default([]),
});

const approvalActionSchema = z.object({ approvals: z.number().int().min(1).max(2).default(1) });

/** Actions the approval policy can name (SPEC §5). */
export const APPROVAL_ACTIONS = [
  'delete',
  'revoke',
  'grant-admin',
  'passcode-long',
  'bulk',
  'recover-owner',
  'access-request',
] as const;
export type ApprovalAction = (typeof APPROVAL_ACTIONS)[number];

const defaultApprovalActions = Object.fromEntries(APPROVAL_ACTIONS.map((action) => [action, { approvals: 1 }]));

const policySchema = z
  .object({
    approvals: z
      .object({
        ttlHours: z
          .number()
          .positive()
          .max(24 * 30)
          .default(24),
        actions: z.partialRecord(z.enum(APPROVAL_ACTIONS), approvalActionSchema).default(defaultApprovalActions),
        passcodeMaxDays: z.number().int().positive().default(30),
        bulkThreshold: z.number().int().positive().default(10),
      })
      .prefault({}),
    invites: z
      .object({
        remindAfterHours: z.number().positive().default(24),
        maxResends: z.number().int().min(0).max(10).default(1),
        warnHours: z.number().positive().default(12),
      })
      .prefault({}),
    passwordLinkTtlHours: z
      .number()
      .positive()
      .max(24 * 7)
      .default(1),
    passcodeWarnDays: z.number().positive().default(3),
    /** How several roles of one user combine: the highest precedence wins (default), or all of them. */
    multipleRoles: z.enum(MULTIPLE_ROLES).default('highest'),
    /** Access reviews the scheduler starts every `everyDays` (src/domain/reviews/). */
    reviews: z.array(scheduledReviewSchema).max(20).default([]),
    /** Time-bound grants, by role or permission key (src/domain/grants/grant-policy.ts). */
    grants: z.record(key, grantRuleSchema).default({}),
    /** How long before a time-bound grant ends its holder is warned, with Extend and End now. */
    grantWarningMinutes: z
      .number()
      .int()
      .min(1)
      .max(24 * 60)
      .default(15),
  })
  .prefault({});

const catalogSchema = z
  .object({
    roles: z.array(roleSchema).min(1),
    permissions: z.array(permissionSchema).default([]),
    products: z.array(z.object({ key, name: z.string().min(1).max(60) })).default([]),
    policy: policySchema,
  })
  .superRefine((catalog, ctx) => {
    const roleKeys = new Set(catalog.roles.map((role) => role.key));
    const productKeys = new Set(catalog.products.map((product) => product.key));
    const permissionKeys = new Set([
      ...ADMIN_PLANE_PERMISSIONS,
      ALL_PERMISSIONS,
      ...catalog.permissions.map((permission) => permission.key),
    ]);
    if (!roleKeys.has(ADMIN_ROLE)) {
      ctx.addIssue({ code: 'custom', path: ['roles'], message: `a role with key "${ADMIN_ROLE}" is required` });
    }
    if (roleKeys.size !== catalog.roles.length) {
      ctx.addIssue({ code: 'custom', path: ['roles'], message: 'role keys must be unique' });
    }
    // So that holding Admin always means being an Admin, whatever else a user holds (precedence.ts).
    const admin = catalog.roles.find((role) => role.key === ADMIN_ROLE);
    catalog.roles.forEach((role, index) => {
      if (admin && !role.product && role.precedence > admin.precedence) {
        ctx.addIssue({
          code: 'custom',
          path: ['roles', index, 'precedence'],
          message: `"${role.key}" outranks "${ADMIN_ROLE}" (${role.precedence} > ${admin.precedence}); no directory-wide role may have a higher precedence than Admin`,
        });
      }
      if (role.product && !productKeys.has(role.product)) {
        ctx.addIssue({ code: 'custom', path: ['roles', index, 'product'], message: `unknown product "${role.product}"` });
      }
      for (const permission of role.permissions) {
        if (!permissionKeys.has(permission)) {
          ctx.addIssue({
            code: 'custom',
            path: ['roles', index, 'permissions'],
            message: `unknown permission "${permission}"`,
          });
        }
      }
    });
    catalog.permissions.forEach((permission, index) => {
      for (const roleKey of permission.grantableTo) {
        if (!roleKeys.has(roleKey)) {
          ctx.addIssue({
            code: 'custom',
            path: ['permissions', index, 'grantableTo'],
            message: `unknown role "${roleKey}"`,
          });
        }
      }
    });
    const reviewNames = new Set<string>();
    catalog.policy.reviews.forEach((review, index) => {
      if (reviewNames.has(review.name)) {
        ctx.addIssue({
          code: 'custom',
          path: ['policy', 'reviews', index, 'name'],
          message: `review names must be unique ("${review.name}")`,
        });
      }
      reviewNames.add(review.name);
      for (const role of review.scope.roles) {
        if (!roleKeys.has(role))
          ctx.addIssue({
            code: 'custom',
            path: ['policy', 'reviews', index, 'scope', 'roles'],
            message: `unknown role "${role}"`,
          });
      }
      for (const permission of review.scope.perms) {
        if (!permissionKeys.has(permission)) {
          ctx.addIssue({
            code: 'custom',
            path: ['policy', 'reviews', index, 'scope', 'perms'],
            message: `unknown permission "${permission}"`,
          });
        }
      }
    });
    const extraKeys = new Set(catalog.permissions.map((permission) => permission.key));
    for (const [grantKey, rule] of Object.entries(catalog.policy.grants)) {
      const at = ['policy', 'grants', grantKey];
      if (!roleKeys.has(grantKey) && !extraKeys.has(grantKey)) {
        ctx.addIssue({ code: 'custom', path: at, message: `unknown role or permission "${grantKey}"` });
      } else if (!roleKeys.has(grantKey) && (rule.breakGlass || rule.timeBoundOnly)) {
        ctx.addIssue({
          code: 'custom',
          path: at,
          message: `"${grantKey}" is a permission: breakGlass and timeBoundOnly are for roles`,
        });
      }
    }
    for (const product of catalog.products) {
      if (!catalog.roles.some((role) => role.product === product.key)) {
        ctx.addIssue({ code: 'custom', path: ['products'], message: `product "${product.key}" has no levels` });
      }
    }
  });

export type Catalog = z.infer<typeof catalogSchema>;
export type CatalogRole = Catalog['roles'][number];
export type Policy = Catalog['policy'];

const presetsDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../config/presets');

/** The presets shipped in config/presets, by name. */
export const PRESETS = ['standard', 'products', 'partners'] as const;

/** Path of a shipped preset file. */
export function presetPath(name: (typeof PRESETS)[number]): string {
  return path.join(presetsDir, `${name}.yaml`);
}

/** Reads and validates a catalog file; the error names the file and each problem. */
export function loadCatalog(file?: string): { catalog: Catalog; source: string } {
  const source = file ? path.resolve(file) : presetPath('standard');
  let raw: unknown;
  try {
    const text = readFileSync(source, 'utf8');
    raw = source.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    throw new ConfigError(`ROSTER_CONFIG ${source} cannot be read: ${(error as Error).message}`);
  }
  const parsed = catalogSchema.safeParse(raw);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `  ${issue.path.join('.') || '(file)'}: ${issue.message}`);
    throw new ConfigError(`ROSTER_CONFIG ${source} is invalid:\n${lines.join('\n')}`);
  }
  return { catalog: parsed.data, source };
}
