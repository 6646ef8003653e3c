/** Small text helpers shared by the message builders. */
import type { PasscodeStatus } from '../../domain/directory/user-view';
import { formatWhen } from '../../domain/format-when';

/** Slack mrkdwn escaping of user-supplied text (names, notes, property values). */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function passcodeText(passcode: PasscodeStatus): string {
  if (passcode.state === 'none') return 'none';
  if (passcode.state === 'expired') return `expired ${formatWhen(passcode.expiresAt)}`;
  return `active until ${formatWhen(passcode.expiresAt)}`;
}

export function whenOrNever(date: Date | null): string {
  return date ? formatWhen(date) : 'never';
}

/** A text bar such as `▓▓▓▓▓▓░░░░ 12 / 20`. */
export function seatBar(used: number, limit: number, width = 20): string {
  const filled = Math.min(width, Math.round((used / Math.max(1, limit)) * width));
  return `${'▓'.repeat(filled)}${'░'.repeat(width - filled)} ${used} / ${limit}`;
}
