/**
 * A separate process that owns the embedded store in DATA_DIR, says "ready", and waits to be killed.
 * Usage: node --import tsx store-holder.ts DATA_DIR
 */
import { openDatabase } from '../../../src/store/database';

await openDatabase({ dataDir: process.argv[2] as string });
console.log('ready');
setInterval(() => undefined, 60_000);
