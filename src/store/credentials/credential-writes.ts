/** Writes of API keys and passcodes: switching a delivered secret on (it becomes its holder's current one). */
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
