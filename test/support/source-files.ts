/** Roster's own source files under `src/` (not Prisma's generated client), for the tests that scan the code. */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

const ROOT = join(__dirname, '..', '..');

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'generated' ? [] : tsFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** Every `.ts` file of `src/`, by its path from the repository root (`src/…`), with its text. */
export function sourceTexts(): { file: string; text: string }[] {
  return tsFiles(join(ROOT, 'src')).map((path) => ({
    file: relative(ROOT, path).split('\\').join('/'),
    text: readFileSync(path, 'utf8'),
  }));
}
