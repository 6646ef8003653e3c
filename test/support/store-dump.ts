/** Every row of every table of a running Roster, as text: for tests that look for a secret at rest. */
import type { Roster } from '../../src/main';

/** JSON that also writes BigInt columns (the audit trail's sequence). */
export function asText(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
}

export async function dumpStore(roster: Pick<Roster, 'prisma'>): Promise<string> {
  const tables = await roster.prisma.$queryRaw<
    { tablename: string }[]
  >`SELECT tablename FROM pg_tables WHERE schemaname = 'public'`;
  let dump = '';
  for (const { tablename } of tables) {
    const rows = await roster.prisma.$queryRawUnsafe<unknown[]>(`SELECT * FROM "${tablename}"`);
    dump += `${tablename}\n${asText(rows)}\n`;
  }
  return dump;
}
