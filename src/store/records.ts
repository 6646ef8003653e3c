/**
 * The rows the store holds, as the domain reads them: plain data, one type per table, and the
 * enumerations of the schema. Repositories return these (or narrower shapes they declare beside
 * their queries); nothing outside `src/store/` imports the generated client.
 */
import type { Prisma } from './generated/client';

export type {
  Account,
  ApiKey,
  ApprovalDecision,
  ApprovalRequest,
  Asset,
  AuditEvent,
  Group,
  GroupMembership,
  Invite,
  NoticeCursor,
  Partner,
  Passcode,
  PasswordLink,
  PendingCredential,
  Permission,
  RateLimitBucket,
  Role,
  ScimToken,
  SecretReveal,
  SentNotice,
  SignInThrottle,
  SlackInstallation,
  TimedGrant,
  User,
  UserProperty,
  UserRole,
  ViewState,
} from './generated/client';
export {
  ApprovalStatus,
  AuditSource,
  GroupKind,
  InviteStatus,
  NoticeStatus,
  PasscodeStatus,
  SignInMethod,
  UserStatus,
} from './generated/enums';

/** A JSON value as a column stores it (approval payloads, audit details, settings). */
export type Json = Prisma.InputJsonValue;
