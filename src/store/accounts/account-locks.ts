/** The advisory locks that serialise first starts, and installs of one workspace, across replicas. */
import type { Tx } from '../tx';

/** Takes the lock of the install key `installKey` until the transaction ends: one install or uninstall of a workspace at a time. */
export async function lockInstallKey(tx: Tx, installKey: string): Promise<void> {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(7240002, hashtext(${installKey}))`;
}

/** Takes the bootstrap lock until the transaction ends: one first start at a time across replicas. */
export async function lockBootstrap(tx: Tx): Promise<void> {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(7240001)`;
}
