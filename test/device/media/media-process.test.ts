import { getPriority } from 'node:os';
import { describe, expect, it } from 'vitest';
import { alive, gone, spawnParentOfChild } from '../../support/pids.ts';

describe('the media process', { timeout: 30_000 }, () => {
  it('runs werift apart from the panel, below its priority, and never outlives it', async () => {
    const {
      parent,
      child: pid,
      exited,
    } = await spawnParentOfChild(new URL('./media-parent.ts', import.meta.url), 'media');
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
});
