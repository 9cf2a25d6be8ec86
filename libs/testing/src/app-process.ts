import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { environmentWith } from './harness-env';

export interface RunningApp {
  readonly child: ChildProcess;
  /** Everything the app wrote to stdout and stderr so far. */
  output(): string;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/**
 * Runs an app's `main.ts` from source (swc-registered, as the built copy would run) in `cwd`, with the test
 * process's environment changed by `env` (undefined removes a variable) and colours off.
 */
export function spawnApp(
  main: string,
  cwd: string,
  env: Readonly<Record<string, string | undefined>>,
): RunningApp {
  const child = spawn(process.execPath, ['-r', '@swc-node/register', main], {
    cwd,
    env: environmentWith({ NO_COLOR: '1', ...env }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const chunks: string[] = [];
  child.stdout?.on('data', (chunk: Buffer) => chunks.push(chunk.toString('utf8')));
  child.stderr?.on('data', (chunk: Buffer) => chunks.push(chunk.toString('utf8')));
  const exited = once(child, 'close').then(([code, signal]) => ({
    code: code as number | null,
    signal: signal as NodeJS.Signals | null,
  }));
  return { child, output: () => chunks.join(''), exited };
}
