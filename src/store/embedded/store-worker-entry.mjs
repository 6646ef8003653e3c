// Worker threads do not inherit a TypeScript loader from vitest; register tsx, then run the worker.
import { register } from 'tsx/esm/api';

register();
await import('./store-worker.ts');
