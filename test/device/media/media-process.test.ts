import { readdirSync, readFileSync } from 'node:fs';
import { getPriority } from 'node:os';
import { describe, expect, it } from 'vitest';
import { alive, gone, spawnParentOfChild } from '../../support/pids.ts';

const parentScript = new URL('./media-parent.ts', import.meta.url);

/** Nice values of a process's threads (field 19 of /proc/PID/task/TID/stat), by thread id. */
function threadNices(pid: number): Map<number, number> {
  const nices = new Map<number, number>();
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
    // The command name may hold spaces and parentheses: fields are counted after its closing one.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    nices.set(Number(tid), Number(fields[16]));
  }
  return nices;
}

describe('where werift runs', { timeout: 30_000 }, () => {
  it('isolation process: apart from the panel, below its priority, and never outliving it', async () => {
    const { parent, child: pid, exited } = await spawnParentOfChild(parentScript, 'media', ['process']);
    try {
      expect(pid).not.toBe(parent.pid);
      expect(alive(pid)).toBe(true);
      // Door control outranks video: the media process runs 5 nice levels below its parent.
      expect(getPriority(pid)).toBe(getPriority(parent.pid!) + 5);
      parent.kill('SIGKILL');
      await exited;
      expect(await gone(pid)).toBe(true);
    } finally {
      parent.kill('SIGKILL');
    }
  });

  it('isolation thread: inside the panel process, one thread 5 nice levels below the rest', async () => {
    const { parent, child: pid } = await spawnParentOfChild(parentScript, 'media', ['thread']);
    try {
      expect(pid).toBe(parent.pid);
      const nices = threadNices(pid);
      const panelNice = nices.get(pid)!;
      const lowered = [...nices].filter(([, nice]) => nice === panelNice + 5);
      // The media thread alone: the panel's main thread and the shared pools (libuv's, V8's) keep the
      // panel's priority, even where the media thread is the first to use them.
      expect(lowered).toHaveLength(1);
      expect(lowered[0]![0]).not.toBe(pid);
    } finally {
      parent.kill('SIGKILL');
    }
  });
});
