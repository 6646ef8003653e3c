/**
 * A separate process that reaches the embedded store in DATA_DIR the way Roster's CLIs do (through
 * its owner, or owning it when none runs) and inserts accounts one at a time.
 * Usage: node --import tsx store-writer.ts DATA_DIR COUNT LABEL
 */
import { openDatabase } from '../../../src/store/database';

const [dataDir, count, label] = process.argv.slice(2);
const database = await openDatabase({ dataDir: dataDir as string, share: 'reach' });
for (let i = 0; i < Number(count); i++) {
  await database.prisma.account.create({ data: { name: `${label}-${i}` } });
}
console.log(JSON.stringify({ owned: database.embedded?.owned }));
await database.close();
process.exit(0);
