/**
 * A migration script cut into its statements. `@prisma/adapter-pg` runs a script by splitting it at
 * every `;`, which cuts a PL/pgSQL body (`$$ … ; … $$`) in two; Prisma's own engine sends the script
 * whole. Roster's migration runner cuts it here instead, at the semicolons that end statements:
 * outside quotes, quoted identifiers, dollar quotes and comments.
 */
export function sqlStatements(script: string): string[] {
  const statements: string[] = [];
  let start = 0;
  let i = 0;
  while (i < script.length) {
    const char = script[i] as string;
    const next = script[i + 1];
    if (char === "'" || char === '"') {
      i = script.indexOf(char, i + 1);
      // A doubled quote inside a literal is a quote: the loop simply finds the next one.
      i = i < 0 ? script.length : i + 1;
    } else if (char === '-' && next === '-') {
      const end = script.indexOf('\n', i);
      i = end < 0 ? script.length : end + 1;
    } else if (char === '/' && next === '*') {
      const end = script.indexOf('*/', i + 2);
      i = end < 0 ? script.length : end + 2;
    } else if (char === '$') {
      const tag = /^\$[A-Za-z_]*\$/.exec(script.slice(i))?.[0];
      if (tag) {
        const end = script.indexOf(tag, i + tag.length);
        i = end < 0 ? script.length : end + tag.length;
      } else i += 1;
    } else if (char === ';') {
      statements.push(script.slice(start, i));
      start = i + 1;
      i += 1;
    } else i += 1;
  }
  statements.push(script.slice(start));
  return statements.map((s) => s.trim()).filter((s) => s.replace(/--[^\n]*/g, '').trim().length > 0);
}
