/** Starting Roster's own entry points (and test children) as separate processes. */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';

/** The project's root, where `npm start` runs. */
export const ROOT = path.resolve(import.meta.dirname, '../..');

/**
 * The command line of `npm run <name>` (its script in package.json) with `node` and `tsx` run as
 * this Node: the same process and flags, without npm's own start-up (one test runs npm itself).
 */
export function npmScript(name: string): { command: string; args: string[] } {
  const scripts = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')).scripts as Record<string, string>;
  const [program, ...args] = (scripts[name] ?? '').split(/\s+/);
  if (program === 'node') return { command: process.execPath, args };
  if (program === 'tsx') return { command: process.execPath, args: ['--import', 'tsx', ...args] };
  throw new Error(`npm run ${name} runs ${program}, which npmScript does not know`);
}

export interface Child {
  process: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves with the exit code. */
  exited: Promise<number | null>;
  /** Resolves once stdout contains `text`. */
  waitForOutput(text: string | RegExp, timeoutMs?: number): Promise<string>;
}

/**
 * Runs `script` (TypeScript, through tsx) with `args` and `env` added to this process's environment;
 * `nodeArgs` go to Node itself.
 */
export function startChild(
  script: string,
  args: string[] = [],
  env: Record<string, string> = {},
  nodeArgs: string[] = [],
): Child {
  return startProcess(process.execPath, [...nodeArgs, '--import', 'tsx', script, ...args], env, script);
}

/** Runs what `npm run <name>` runs (see `npmScript`), with `args` after it and `env` added to this process's. */
export function startNpmScript(name: string, args: string[] = [], env: Record<string, string> = {}): Child {
  const script = npmScript(name);
  return startProcess(script.command, [...script.args, ...args], env, `npm run ${name}`);
}

function startProcess(command: string, argv: string[], env: Record<string, string>, label: string): Child {
  const child = spawn(command, argv, {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout?.on('data', (chunk) => {
    out += String(chunk);
  });
  child.stderr?.on('data', (chunk) => {
    err += String(chunk);
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    process: child,
    stdout: () => out,
    stderr: () => err,
    exited,
    async waitForOutput(text, timeoutMs = 60_000) {
      const deadline = Date.now() + timeoutMs;
      const found = () => (typeof text === 'string' ? out.includes(text) : text.test(out));
      while (!found()) {
        if (child.exitCode !== null || Date.now() > deadline) {
          throw new Error(`no "${text}" from ${label} (exit ${child.exitCode}); stdout: ${out}\nstderr: ${err}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      return out;
    },
  };
}
