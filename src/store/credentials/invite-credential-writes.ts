/** Writes of API keys, passcodes and password links: switching a delivered secret on, using and ending links. */
import type { Db } from '../tx';

/** A delivered API key, as it becomes its holder's current one. */
export interface ApiKeyInstall {
  accountId: string;
  userId: string;
  prefix: string;
  keyHash: string;
  now: Date;
}

/** A delivered passcode, as it becomes its holder's current one. */
export interface PasscodeInstall {
  accountId: string;
  userId: string;
  codeHash: string;
  tenureDays: number;
  expiresAt: Date;
  now: Date;
}

/** Makes this key the user's API key, replacing any they had; it is new, so never used. */
export async function installApiKey(db: Db, key: ApiKeyInstall): Promise<void> {
  const { accountId, userId, prefix, keyHash, now } = key;
  const data = { prefix, keyHash, createdAt: now, lastUsedAt: null };
  await db.apiKey.upsert({ where: { userId }, create: { accountId, userId, ...data }, update: data });
}

/** Makes this passcode the user's active passcode, replacing any they had; it is new, so never used. */
export async function installPasscode(db: Db, passcode: PasscodeInstall): Promise<void> {
  const { accountId, userId, codeHash, tenureDays, expiresAt, now } = passcode;
  const data = { codeHash, tenureDays, status: 'active' as const, expiresAt, createdAt: now, lastUsedAt: null };
  await db.passcode.upsert({ where: { userId }, create: { accountId, userId, ...data }, update: data });
}

/** Marks the password link used at `now` if it is not used yet; the number of links marked (0 or 1). */
export async function markPasswordLinkUsed(db: Db, linkId: string, now: Date): Promise<number> {
  const used = await db.passwordLink.updateMany({ where: { id: linkId, usedAt: null }, data: { usedAt: now } });
  return used.count;
}

/** Deletes every password link of the user. */
export async function deletePasswordLinks(db: Db, userId: string): Promise<void> {
  await db.passwordLink.deleteMany({ where: { userId } });
}

/** Deletes the user's unused password links. */
export async function deleteUnusedPasswordLinks(db: Db, userId: string): Promise<void> {
  await db.passwordLink.deleteMany({ where: { userId, usedAt: null } });
}
