/**
 * Roster's outbound ports: everything the domain and the scheduler need from the outside world
 * (Slack, e-mail), declared once. The composition root wires them to implementations in `src/slack/`
 * (profiles, the holder messenger, the approval board, the scheduler notifier) and `src/delivery/`
 * (link delivery, the mailer); tests wire fakes.
 */

import type { ReviewCampaign } from '../store/reviews/review-reads';
import type { ApprovalRequestView } from './approvals/approval-service';
import type { ReviewPage, ReviewReport } from './reviews/review-service';

// ── Slack profiles ──────────────────────────────────────────────────────────────────────────────

/** What Slack says about a profile, as far as linking it cares. */
export interface SlackProfile {
  /** The address that links the person to a directory user, if their profile shows one. */
  email: string | null;
  /** The workspaces the person belongs to (`team_id`, and every team of an Enterprise Grid user). */
  teamIds: string[];
  /** Their Enterprise Grid organisation, if any. */
  enterpriseId: string | null;
  /** Slack's `is_stranger`: someone from another organisation seen through a shared channel. */
  stranger: boolean;
}

/** What the domain needs to know about Slack people: a profile, and whether someone is still in the workspace. */
export interface SlackProfiles {
  /** The profile of a Slack user; null when Slack knows no such (active) user. */
  profileOf(slackUserId: string): Promise<SlackProfile | null>;
  /** False when Slack says the person left (deactivated, or no member has the address); throws when Slack cannot answer. */
  inWorkspace(person: { email: string; slackUserId: string | null }): Promise<boolean>;
}

// ── Holder messenger ────────────────────────────────────────────────────────────────────────────

/** Tells a credential's holder their new secret, privately. */
export interface HolderMessenger {
  /** Resolves false when the holder cannot be reached in Slack. */
  send(holder: { email: string; slackUserId: string | null }, text: string): Promise<boolean>;
  /**
   * Tells the owner which deleted users' API keys they now hold, each with a way to end it; resolves
   * false when they cannot be reached in Slack. Optional so that fakes may leave it out.
   */
  inheritedKeys?(heir: { email: string; slackUserId: string | null }, keys: InheritedKeyNotice[]): Promise<boolean>;
}

/** One API key an owner inherited from a deleted user, as the owner's notice names it. */
export interface InheritedKeyNotice {
  id: string;
  prefix: string;
  fromEmail: string;
}

// ── Delivery ────────────────────────────────────────────────────────────────────────────────────

/**
 * An invite, a reminder of one, a password link (sent by an admin, or asked for), or a link that shows
 * a new credential once (e-mail only), as the recipient should read it.
 */
export interface OutgoingLink {
  /** Which message it is, and so its wording and whether it may go by Slack. */
  kind: 'invite' | 'invite-reminder' | 'password-link' | 'password-reset' | 'credential-reveal';
  /** For `credential-reveal`: which credential the link shows. */
  credential?: 'api-key' | 'passcode';
  /** The recipient's address. */
  email: string;
  /** The recipient's name, when known. */
  name?: string | null;
  /** The link itself. */
  link: string;
  /** When the link stops working. */
  expiresAt: Date;
  /** Who sent it, as the recipient knows them. */
  fromName?: string | null;
  /** What the sender added, as they typed it. */
  note?: string | null;
  /** For an invite: the names of the roles it gives, as the invite page shows them. */
  roles?: string[];
  /** The sender's address, where replies to the e-mail go (its Reply-To). */
  replyTo?: string | null;
}

/**
 * A notice that asks nothing of its reader but tells them about their account: a sign-in lockout, or
 * their address changed (told to the old address and to the new one).
 */
export type OutgoingNotice =
  | { kind: 'lockout'; email: string; name?: string | null; failures: number; addresses: string[]; until: Date }
  | {
      kind: 'address-changed';
      email: string;
      name?: string | null;
      from: string;
      to: string;
      /** The admin who changed it (an address: names are typed by people); replies go to them. */
      by: string;
      /** Whether they sign in with a password, which stays. */
      password: boolean;
    };

/** What happened on each channel; problems are short sentences for the admin who acted. */
export interface DeliveryOutcome {
  /** The recipient's address. */
  email: string;
  /** Whether the Slack DM went, was not possible (no member has the address), or failed. */
  slack: 'sent' | 'not-in-workspace' | 'failed';
  /** Whether the e-mail went. */
  mail: 'sent' | 'failed';
  /** What went wrong, for the admin who acted. */
  problems: string[];
}

/** How invites and links reach people (by Slack DM when the address is in the workspace, and by e-mail always). */
export interface Delivery {
  /** Gets a link to its recipient and says what happened on each channel. */
  send(message: OutgoingLink): Promise<DeliveryOutcome>;
  /** E-mails a plain notice; resolves false when the e-mail failed (never rejects). Optional so that fakes may leave it out. */
  notice?(notice: OutgoingNotice): Promise<boolean>;
}

// ── Mailer ──────────────────────────────────────────────────────────────────────────────────────

/** One e-mail: plain text, and HTML as its alternative when there is one. */
export interface Mail {
  /** The recipient's address. */
  to: string;
  /** The subject line. */
  subject: string;
  /** The plain-text body. */
  text: string;
  /** The HTML body, the same words as `text`. */
  html?: string;
  /** The sender's display name (the account's name); the address is the deployment's MAIL_FROM. */
  fromName?: string;
  /** Where replies go: the person who acted, when there is one. */
  replyTo?: string;
}

/** What delivery needs of e-mail. */
export interface Mailer {
  /** Sends one e-mail; rejects when it could not be sent. */
  send(mail: Mail): Promise<void>;
}

// ── Approval board ──────────────────────────────────────────────────────────────────────────────

/** Where approval requests are shown to approvers, and their requesters told of the outcome. */
export interface ApprovalBoard {
  /** Shows a new request to approvers; returns where it went (to remember on the request), or null when it could not be shown. */
  post(request: ApprovalRequestView): Promise<{ channel: string; ts: string } | null>;
  /** Brings the request's shown message up to date and, once it is settled, tells the requester; never rejects. */
  settle(request: ApprovalRequestView): Promise<void>;
  /** Shows approvers a break-glass use (just taken, or not reviewed yet) with its review buttons; false when it could not. */
  breakGlass(grant: GrantNotice, why: 'used' | 'unreviewed'): Promise<boolean>;
}

// ── Scheduler notifier ──────────────────────────────────────────────────────────────────────────

/** A directory user the scheduler DMs: by their Slack link, else the workspace member with their e-mail. */
export interface DmRecipient {
  /** Their directory address, to find them in the workspace when they have no Slack link. */
  email: string;
  /** Their remembered Slack user, if any. */
  slackUserId: string | null;
}

/** An invite in a channel digest. */
export interface DigestEntry {
  /** The invitee's address. */
  email: string;
  /** When the invite expires (or expired). */
  expiresAt: Date;
  /** Who invited them, if known. */
  invitedBy: string | null;
}

/** An invite that expired, as its inviter's DM lists it. */
export interface ExpiredInvite {
  /** The invitee's address. */
  email: string;
  /** When the invite expired. */
  expiresAt: Date;
}

/** What the identity provider changed between two digests. */
export interface ScimDigest {
  /** Changes by kind, e.g. `{ label: 'users created', count: 12 }`, most frequent first. */
  counts: { label: string; count: number }[];
  /** Up to `SCIM_DIGEST_LINES` lines, oldest first ("created ann@example.com"). */
  lines: string[];
  /** Lines not shown. */
  more: number;
}

/** How the scheduler reaches people. */
export interface SchedulerNotifier {
  /** DMs a directory user; false when they are not in the workspace. */
  dm(person: DmRecipient, text: string): Promise<boolean>;
  /** DMs an inviter up to 50 of their invites that expired; `more` of them follow in further messages. */
  expiredInvites(inviter: DmRecipient, invites: ExpiredInvite[], more: number): Promise<boolean>;
  /** Posts a digest to the notices channel; false when there is no channel. */
  digest(kind: 'expired' | 'expiring-soon', entries: DigestEntry[]): Promise<boolean>;
  /** Posts the digest of SCIM changes to the notices channel; false when there is no channel. */
  scimDigest(digest: ScimDigest): Promise<boolean>;
  /** Updates an approval request's message and tells its requester. */
  approvalSettled(request: ApprovalRequestView): Promise<void>;
  /** DMs a reviewer their page of a scheduled review that started, or a reminder; false when they are not in the workspace. */
  reviewPage(reviewer: DmRecipient, page: ReviewPage, why: 'assigned' | 'reminder'): Promise<boolean>;
  /** Tells the owner a scheduled access review could not start this period, and why. */
  reviewNotStarted(owner: DmRecipient, campaign: ReviewCampaign): Promise<boolean>;
  /** Tells the owner an access review is past due, with the reviewers who still have rows open. */
  reviewOverdue(owner: DmRecipient, campaign: ReviewCampaign, late: { email: string; open: number }[]): Promise<boolean>;
  /** Sends a closed access review's report (CSV and JSON) to the owner's DM; false when they have no Slack link. */
  reviewReport(owner: DmRecipient, report: ReviewReport): Promise<boolean>;
  /** Tells a holder their time-bound access ended; false when they are not in the workspace. */
  grantEnded(holder: DmRecipient, grant: GrantNotice): Promise<boolean>;
  /** Redraws a directory user's App Home (their access changed); never throws. */
  refreshHome(person: DmRecipient): Promise<void>;
  /** Warns a holder their access ends soon, with Extend and End now; false when they are not in the workspace. */
  grantEnding(holder: DmRecipient, grant: GrantNotice): Promise<boolean>;
  /**
   * Makes a break-glass use loud, just taken or still not reviewed: the approvals channel and a DM to each
   * of `admins`, with Acknowledge and Revoke.
   */
  breakGlass(grant: GrantNotice, admins: DmRecipient[], why: 'used' | 'unreviewed'): Promise<void>;
}

/** A time-bound grant as its notices show it. */
export interface GrantNotice {
  id: string;
  /** What it gives: a role's name (with its scope) or a permission's key. */
  access: string;
  holder: { email: string; name: string | null };
  reason: string;
  startsAt: Date;
  endsAt: Date;
  /** When its end was recorded, and how it came: 'expired', 'ended' (by the holder), 'revoked'. */
  endedAt: Date | null;
  endReason: string | null;
  endedBy: string | null;
  breakGlass: boolean;
  grantedBy: string;
}

// ── Webhook poster ──────────────────────────────────────────────────────────────────────────────

/** What one POST to a webhook endpoint came to: its status, or why no status came back. */
export type WebhookAnswer = { status: number } | { error: string };

/** Sends a signed message to a webhook endpoint (src/delivery/webhook-http.ts): never throws. */
export interface WebhookPoster {
  /** `signal` aborts the request (Roster is stopping); the answer is then an error. */
  post(url: string, headers: Record<string, string>, body: string, signal?: AbortSignal): Promise<WebhookAnswer>;
  /** Ends its kept-alive connections (when Roster stops). */
  close?(): void;
}
