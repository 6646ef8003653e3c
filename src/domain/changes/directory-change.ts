/**
 * Every change Roster can make to the directory, as one discriminated union with its zod schema.
 * The same schema validates what entry points submit and what an approval request stores, so an
 * approved change is exactly the change that was submitted.
 */
import { z } from 'zod';
import { settingsChangeSchema } from '../account/account-settings';
import { LONGEST_GRANT_HOURS } from '../grants/grant-policy';
import { ON_OVERDUE, REVIEW_DECISIONS, REVIEWER_RULES, reviewScopeSchema } from '../reviews/review-scope';

const email = z.string().trim().min(1).max(320);

/** A user as an entry point names them; stored requests always name them by id. */
export const userRefSchema = z.union([
  z.object({ id: z.uuid() }).strict(),
  z.object({ email }).strict(),
  z.object({ slackUserId: z.string().min(1).max(30) }).strict(),
]);

const names = z.array(z.string().trim().min(1).max(100)).max(100);

/** `/users list`'s filters, when a bulk change targets "everyone matching" (directory-service.ts). */
export const userFilterSchema = z
  .object({
    text: z.string().max(200).optional(),
    status: z.enum(['invited', 'expired', 'active', 'disabled', 'revoked']).optional(),
    role: z.string().max(120).optional(),
    group: z.string().max(100).optional(),
  })
  .strict();

/**
 * A bulk change on a filter: the users it listed at review time (`userIds`) and the filter they
 * matched; when it runs, only those still matching are changed and the others are reported skipped.
 */
const onFilter = { userIds: z.array(z.uuid()).max(500).optional(), filter: userFilterSchema.optional() };
const user = userRefSchema;

/** A link or token as the store keeps it: the SHA-256 of its secret, in hex. */
const linkHash = z.string().regex(/^[0-9a-f]{64}$/);
/** Rows one scheduler statement takes at most: bounds memory and lock time. */
const batch = z.number().int().min(1).max(10_000);
/** A chosen password as the store keeps it (`scrypt$…`, secrets.ts). */
const passwordHash = z.string().startsWith('scrypt$').max(300);
/** The client address of the web request behind a change, for the audit trail. */
const clientAddress = z.string().max(100).optional();

/** How long a time-bound grant lasts: minutes from when it starts (an approval's, if it waits), or until a moment. */
const span = z.union([
  z
    .object({
      minutes: z
        .number()
        .int()
        .min(1)
        .max(LONGEST_GRANT_HOURS * 60),
    })
    .strict(),
  z.object({ until: z.iso.datetime({ offset: true }) }).strict(),
]);
/** Why a time-bound grant is needed (an incident, a ticket): required, shown to approvers and in the trail. */
const grantReason = z.string().trim().min(1, 'Say why (e.g. the incident or ticket).').max(500);

/** The schema of every directory change, keyed by `kind`. */
export const directoryChangeSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('invite'),
    emails: z.array(z.string().max(320)).max(500),
    role: z.string().max(120).optional(),
    roles: z.array(z.string().max(120)).max(50).optional(),
    products: z.record(z.string().max(60), z.string().max(60)).optional(),
    groups: names.optional(),
    perms: names.optional(),
    note: z.string().max(2000).optional(),
    /** Addresses with their own access (`editor`, `partner=acme`, `crm=editor`) or groups instead of the invite's. */
    people: z
      .array(z.object({ email: z.string().max(320), access: names.optional(), groups: names.optional() }))
      .max(500)
      .optional(),
    /** Partners the invite's scoped role covers (the modal's partner field, `--partner`). */
    partners: names.optional(),
  }),
  z.object({ kind: z.literal('resend'), user }),
  z.object({ kind: z.literal('invite-link'), user }),
  z.object({ kind: z.literal('reinvite'), user }),
  z.object({ kind: z.literal('edit'), user, name: z.string().max(200).optional(), email: z.string().max(320).optional() }),
  z.object({
    kind: z.literal('set-roles'),
    user,
    role: z.string().max(120).optional(),
    roles: z.array(z.string().max(120)).max(50).optional(),
    products: z.record(z.string().max(60), z.string().max(60)).optional(),
  }),
  z.object({ kind: z.literal('change-roles'), user, add: names, remove: names }),
  z.object({
    kind: z.literal('bulk-roles'),
    emails: z.array(z.string().max(320)).max(500),
    add: names,
    remove: names,
    ...onFilter,
  }),
  z.object({ kind: z.literal('perms'), user, add: names, remove: names }),
  /** Roles (`key`, `key=scope`, `product=level`) and extra permissions given to `user` for a while. */
  z.object({ kind: z.literal('grant-timed'), user, roles: names, perms: names, span, reason: grantReason }),
  /** The actor asks for roles (`key`, `key=scope`, `product=level`) or extra permissions for themselves, for a while: always waits for an approver. */
  z.object({ kind: z.literal('access-request'), access: names, span, reason: grantReason }),
  /** A grant in force made longer (by default as long again as it was given for): by its holder (a request, or a self-extension the policy allows) or an Admin. */
  z.object({
    kind: z.literal('grant-extend'),
    grant: z.uuid(),
    span: span.optional(),
    reason: z.string().trim().max(500).optional(),
  }),
  /** A grant in force ended now: by its holder (End now) or an Admin. */
  z.object({ kind: z.literal('grant-end'), grant: z.uuid(), reason: z.string().trim().max(500).optional() }),
  /** The actor takes a role for themselves at once, where the catalog allows break-glass; reviewed afterwards. */
  z.object({ kind: z.literal('break-glass'), role: z.string().trim().min(1).max(120), span, reason: grantReason }),
  /** An Admin other than the holder reviews a break-glass use: acknowledged, or revoked (ended now if in force). */
  z.object({
    kind: z.literal('break-glass-review'),
    grant: z.uuid(),
    decision: z.enum(['acknowledge', 'revoke']),
    note: z.string().trim().max(500).optional(),
  }),
  z.object({ kind: z.literal('groups'), user, add: names, remove: names }),
  z.object({
    kind: z.literal('props'),
    user,
    set: z.record(z.string().max(64), z.string().max(2000)),
    remove: z.array(z.string().max(64)).max(100),
  }),
  z.object({ kind: z.literal('disable'), user }),
  z.object({ kind: z.literal('enable'), user }),
  z.object({ kind: z.literal('revoke'), user }),
  z.object({ kind: z.literal('owner'), user }),
  /** Ownership taken from an owner who is gone; `from` is the owner it was decided against (filled in when absent). */
  z.object({ kind: z.literal('recover-owner'), user, from: z.uuid().nullable().optional() }),
  z.object({
    kind: z.literal('delete'),
    users: z.array(user).max(500),
    reason: z.string().max(2000).nullable(),
    filter: userFilterSchema.optional(),
  }),
  z.object({ kind: z.literal('api-key'), user }),
  /** Ends an API key the owner inherited from a deleted user (inherited-key-change.ts). */
  z.object({ kind: z.literal('inherited-key-revoke'), key: z.uuid() }),
  z.object({ kind: z.literal('grant-passcode'), user, tenureDays: z.number().int() }),
  z.object({ kind: z.literal('reset-passcode'), user }),
  // `endPassword`: the current password stops working at once, not only once a new one is set.
  z.object({ kind: z.literal('password-link'), user, endPassword: z.boolean().optional() }),
  z.object({ kind: z.literal('sign-in'), user, method: z.enum(['google', 'password']) }),
  z.object({ kind: z.literal('partner-add'), name: z.string().max(200) }),
  z.object({ kind: z.literal('partner-rename'), name: z.string().max(200), to: z.string().max(200) }),
  /** Refused while anyone holds the partner, unless `reassign` names the partner their holdings move to. */
  z.object({ kind: z.literal('partner-delete'), name: z.string().max(200), reassign: z.string().max(200).optional() }),
  z.object({ kind: z.literal('group-create'), name: z.string().max(200) }),
  /** The plan's seats, set by the operator on the server console; null: back to SEAT_LIMIT. */
  z.object({ kind: z.literal('plan-seats'), seats: z.number().int().min(1).max(1_000_000).nullable() }),
  /** The owner makes the first co-approver while nobody else may approve (`/users first-approver`). */
  z.object({ kind: z.literal('first-approver'), user }),
  /** The owner's settings (validated at the edge), conditional on the settings version they saw. */
  z.object({ kind: z.literal('settings'), version: z.number().int().min(1), set: settingsChangeSchema.omit({ version: true }) }),
  z.object({ kind: z.literal('group-rename'), group: z.string().max(200), to: z.string().max(200) }),
  z.object({ kind: z.literal('group-delete'), group: z.string().max(200) }),
  /** Many people added to or removed from one group at once (`/users group add|remove <group> <addresses…>`). */
  z.object({
    kind: z.literal('group-members'),
    group: z.string().max(200),
    add: z.array(z.string().max(320)).max(500),
    remove: z.array(z.string().max(320)).max(500),
  }),
  z.object({ kind: z.literal('scim-token') }),
  z.object({ kind: z.literal('scim-token-revoke') }),
  // The owner's webhook endpoints (webhook-changes.ts); URLs and patterns are checked at the edge and by the handler.
  z.object({ kind: z.literal('webhook-add'), url: z.string().max(2100), events: z.array(z.string().max(100)).max(20) }),
  z.object({ kind: z.literal('webhook-remove'), url: z.string().max(2100) }),
  /** Every endpoint (or the one at `url`) receives again what happened since `since`: a time, or a span back (`2h`, `3d`). */
  z.object({
    kind: z.literal('webhook-replay'),
    url: z.string().max(2100).optional(),
    since: z.union([z.iso.datetime({ offset: true }), z.string().regex(/^\d{1,4}[mhd]$/)]),
  }),
  z.object({ kind: z.literal('webhook-resume'), url: z.string().max(2100) }),
  /**
   * A user as the identity provider wants them (SCIM POST, PUT or PATCH worked out at the edge): no
   * `user` creates one. `ifVersion`: refused as stale unless the user is still at that version.
   */
  z.object({
    kind: z.literal('scim-user'),
    user: user.optional(),
    ifVersion: z.number().int().optional(),
    attributes: z.object({
      email: z.string().max(320),
      /** The identity provider's identifier as sent; absent (a change stored before it was kept) leaves it. */
      userName: z.string().max(320).optional(),
      name: z.string().max(400).nullable(),
      givenName: z.string().max(200).nullable().optional(),
      familyName: z.string().max(200).nullable().optional(),
      externalId: z.string().max(400).nullable(),
      active: z.boolean(),
      roles: z.array(z.string().max(120)).max(50).optional(),
      /** SCIM-owned properties (src/scim/scim-user-properties.ts): a value sets one, null removes it. */
      properties: z.record(z.string().max(32), z.string().max(256).nullable()).optional(),
    }),
  }),
  /** A group as the identity provider changes it: no `group` creates one; members are user ids. */
  z.object({
    kind: z.literal('scim-group'),
    group: z.object({ id: z.uuid() }).strict().optional(),
    ifVersion: z.number().int().optional(),
    displayName: z.string().max(200).optional(),
    /** The identity provider's id for the group; absent leaves it as it is, null clears it. */
    externalId: z.string().max(400).nullable().optional(),
    add: z.array(z.uuid()).max(10_000),
    remove: z.array(z.uuid()).max(10_000),
  }),
  z.object({
    kind: z.literal('scim-group-delete'),
    group: z.object({ id: z.uuid() }).strict(),
    ifVersion: z.number().int().optional(),
  }),
  // Access reviews (review-changes.ts): a campaign, its reviewers' decisions, and the owner's and scheduler's part.
  /** A campaign over what `scope` covers; `schedule` when the catalog's scheduled review started it for a period. */
  z.object({
    kind: z.literal('review-start'),
    name: z.string().trim().min(1).max(100).optional(),
    scope: reviewScopeSchema,
    reviewers: z
      .array(z.union([z.enum(REVIEWER_RULES), userRefSchema]))
      .min(1)
      .max(20),
    dueDays: z.number().int().min(1).max(90).optional(),
    dueAt: z.iso.datetime({ offset: true }).optional(),
    onOverdue: z.enum(ON_OVERDUE),
    schedule: z
      .object({ name: z.string().max(60), periodKey: z.string().max(100) })
      .strict()
      .optional(),
  }),
  /** A reviewer's decision on rows of theirs (remove and revoke one row at a time). */
  z.object({
    kind: z.literal('review-decide'),
    campaign: z.uuid(),
    rows: z.array(z.uuid()).max(1000),
    /** Keep: every row still open for the reviewer in the campaign ("Keep all left"), instead of `rows`. */
    allOpen: z.boolean().optional(),
    decision: z.enum(REVIEW_DECISIONS),
    note: z.string().trim().max(500).optional(),
  }),
  /** The approval request a row's decision waits for, noted on the row. */
  z.object({ kind: z.literal('review-await'), row: z.uuid(), request: z.uuid() }),
  /** A campaign closed before every row was decided: open rows are recorded as not reviewed. */
  z.object({ kind: z.literal('review-close'), campaign: z.uuid(), reason: z.enum(['closed', 'overdue']) }),
  /** The owner moves a reviewer's open rows to someone else. */
  z.object({ kind: z.literal('review-reassign'), campaign: z.uuid(), from: user, to: user }),
  /** Reviewers with open rows in campaigns whose reminder is due are reminded (the scheduler). */
  z.object({ kind: z.literal('review-remind'), batch }),
  /** Campaigns past their due date: the owner is told, once (the scheduler). */
  z.object({ kind: z.literal('review-overdue'), batch }),
  /** A scheduled review that could not start this period (nothing in scope, a reviewer gone): recorded once, the owner told. */
  z.object({
    kind: z.literal('review-not-started'),
    schedule: z.object({ name: z.string().max(60), periodKey: z.string().max(100) }).strict(),
    reason: z.string().max(500),
  }),
  // Link-authorised kinds (sign-in-changes.ts): made by the holder of a link, who needs no permission
  // and never waits for approval. A change never carries the secret: the link by its token's SHA-256
  // (as the store keeps it), a chosen password by its scrypt hash.
  /** An invitee accepts through their invite link, with a name and a password or Google sign-in. */
  z.object({
    kind: z.literal('accept-invite'),
    invite: linkHash,
    name: z.string().trim().min(1).max(100),
    signIn: z.discriminatedUnion('method', [
      z.object({ method: z.literal('google') }),
      z.object({ method: z.literal('password'), passwordHash }),
    ]),
    clientAddress,
  }),
  /** A user sets a new password through a password link. */
  z.object({ kind: z.literal('set-password'), link: linkHash, passwordHash, clientAddress }),
  /** Someone asks the forgot-password page for a link to the address of an active password user. */
  z.object({ kind: z.literal('password-reset'), email, clientAddress }),
  // Follow-ups of a change that already ran, after its commit (credential-handoff-changes.ts).
  /** A new API key or passcode that reached its holder replaces their current one. */
  z.object({ kind: z.literal('credential-activate'), pending: z.uuid(), reveal: z.uuid().optional() }),
  /** A new SCIM token that reached nobody is ended. */
  z.object({ kind: z.literal('scim-token-end'), tokenHash: linkHash }),
  /** A new webhook whose signing secret reached nobody is removed. */
  z.object({ kind: z.literal('webhook-end'), id: z.uuid() }),
  // The scheduler's batches (scheduler-changes.ts): how many rows one statement takes at most.
  /** Due invites get one more reminder counted and queued. */
  z.object({ kind: z.literal('invite-reminders'), batch }),
  /** Invites past their expiry expire, and their users with them. */
  z.object({ kind: z.literal('invite-expiry'), batch }),
  /** Passcodes past their expiry expire. */
  z.object({ kind: z.literal('passcode-expiry'), batch }),
  /** The scheduler records the end of time-bound grants that ended, and tells their holders. */
  z.object({ kind: z.literal('grant-expiry'), batch }),
  /** The scheduler warns holders whose grants end within the policy's warning time. */
  z.object({ kind: z.literal('grant-warnings'), batch }),
  /** The scheduler raises again, daily, break-glass uses no Admin has reviewed. */
  z.object({ kind: z.literal('break-glass-raise'), batch }),
  /** Reminders' invites get links that open (renewed when the link secret changed): one send batch. */
  z.object({ kind: z.literal('invite-link-renewal'), invites: z.array(z.uuid()).min(1).max(500) }),
]);

/** One change to the directory. */
export type DirectoryChange = z.infer<typeof directoryChangeSchema>;

/** The kinds of change. */
export type ChangeKind = DirectoryChange['kind'];

/** The change of one kind. */
export type ChangeOf<K extends ChangeKind> = Extract<DirectoryChange, { kind: K }>;
