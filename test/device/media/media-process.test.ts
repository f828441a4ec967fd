import { spawn } from 'node:child_process';
import { getPriority } from 'node:os';
import { describe, expect, it } from 'vitest';
import { alive, gone } from '../../support/pids.ts';

describe('the media process', { timeout: 30_000 }, () => {
  it('runs werift apart from the panel, below its priority, and never outlives it', async () => {
    const parent = spawn(process.execPath, [new URL('./media-parent.ts', import.meta.url).pathname], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const exited = new Promise((resolve) => parent.once('exit', resolve));
    try {
      const pid = await new Promise<number>((resolve, reject) => {
        let out = '';
        parent.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          const m = /media (\d+)/.exec(out);
          if (m) resolve(Number(m[1]));
        });
        parent.once('exit', (code) => reject(new Error(`parent exited early (${code}): ${out}`)));
      });
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
