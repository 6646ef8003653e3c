/** `npm run accounts` on the server's terminal (the command itself: accounts-console.ts). */
import { accounts } from './accounts-console';
import { runConsoleCommand } from './console-command';

runConsoleCommand((io) => accounts(process.argv.slice(2), io));
