/**
 * A separate process that reaches the embedded store in DATA_DIR the way Roster's CLIs do (through
 * its owner, or owning it when none runs) and inserts accounts one at a time. With GO_FILE it says
 * `opened` and waits for that file before writing, so a test can make two writers overlap.
 * Usage: node --import tsx store-writer.ts DATA_DIR COUNT LABEL [GO_FILE]
 */
import { existsSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { openDatabase } from '../../../src/store/database';

const [dataDir, count, label, goFile] = process.argv.slice(2);
const database = await openDatabase({ dataDir: dataDir as string, share: 'reach' });
if (goFile) {
  console.log('opened');
  while (!existsSync(goFile)) await sleep(20);
}
for (let i = 0; i < Number(count); i++) {
  await database.prisma.account.create({ data: { name: `${label}-${i}` } });
}
console.log(JSON.stringify({ owned: database.embedded?.owned }));
await database.close();
process.exit(0);
