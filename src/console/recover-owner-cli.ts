/** `npm run recover-owner` on the server's terminal (the command itself: recover-owner-console.ts). */
import { runConsoleCommand } from './console-command';
import { recoverOwner } from './recover-owner-console';

runConsoleCommand((io) => recoverOwner(process.argv.slice(2), io));
