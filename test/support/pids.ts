/** Whether a process is alive, and waiting for one to be gone (tests that no child outlives its parent). */
import { type ChildProcessByStdio, spawn } from 'node:child_process';
import type { Readable } from 'node:stream';
import { holdsWithin } from '../../scripts/lab/until.ts';

export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Whether `pid` is gone within `timeoutMs`; the caller asserts it, so a failure names the process. */
export function gone(pid: number, timeoutMs = 5000): Promise<boolean> {
  return holdsWithin(() => !alive(pid), timeoutMs);
}

export interface ParentOfChild {
  parent: ChildProcessByStdio<null, Readable, null>;
  /** The PID of the child the parent started, as it printed it. */
  child: number;
  /** Resolves when the parent has exited. */
  exited: Promise<unknown>;
}

/**
 * Runs `script` (a stand-in parent that starts a child process and prints `<label> <pid>`) and resolves
 * with both once the child's PID is printed; rejects if the parent exits first.
 */
export async function spawnParentOfChild(
  script: URL,
  label: string,
  args: readonly string[] = [],
): Promise<ParentOfChild> {
  const parent = spawn(process.execPath, [script.pathname, ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise((resolve) => parent.once('exit', resolve));
  const printed = new RegExp(`${label} (\\d+)`);
  try {
    const child = await new Promise<number>((resolve, reject) => {
      let out = '';
      parent.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        const m = printed.exec(out);
        if (m) resolve(Number(m[1]));
      });
      parent.once('exit', (code) => reject(new Error(`parent exited early (${code}): ${out}`)));
    });
    return { parent, child, exited };
  } catch (err) {
    parent.kill('SIGKILL');
    throw err;
  }
}
