/** Whether a process is alive, and waiting for one to be gone (tests that no child outlives its parent). */
import { setTimeout as sleep } from 'node:timers/promises';

export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export async function gone(pid: number, timeoutMs = 5000): Promise<boolean> {
  const until = performance.now() + timeoutMs;
  while (alive(pid) && performance.now() < until) await sleep(20);
  return !alive(pid);
}
