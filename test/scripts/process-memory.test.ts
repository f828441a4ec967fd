import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { nodeFlags, panelMemory, totalKb } from '../../scripts/bench/process-memory.ts';

describe('the bench’s panel memory reading (/proc)', () => {
  it('takes the flags before the script from a Node command line', () => {
    expect(
      nodeFlags(['/usr/bin/node', '--max-semi-space-size=1', '--expose-gc', 'bin/portvakt.js', '--sim']),
    ).toEqual(['--max-semi-space-size=1', '--expose-gc']);
    expect(nodeFlags(['node', 'dist/media-worker.js'])).toEqual([]);
  });

  it('reads a process and counts a Node child running media-worker as the media process', async () => {
    // A parent whose child's command line names media-worker, as the panel's does.
    const parent = spawn(
      process.execPath,
      [
        '-e',
        `const c = require('node:child_process').spawn(process.execPath, ['--max-semi-space-size=1', '-e', 'setInterval(() => {}, 1000)', 'media-worker.js'], { stdio: 'ignore' });
         process.on('SIGTERM', () => { c.kill(); process.exit(0); });
         setTimeout(() => console.log('ready'), 300);`,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    try {
      await new Promise((resolve) => parent.stdout.once('data', resolve));
      const memory = panelMemory(parent.pid!);
      expect(memory.panel.rssKb).toBeGreaterThan(memory.panel.anonKb);
      expect(memory.media.rssKb).toBeGreaterThan(0);
      expect(memory.gstreamer.rssKb).toBe(0);
      expect(totalKb(memory)).toBe(memory.panel.rssKb + memory.media.rssKb);
    } finally {
      const exited = new Promise((resolve) => parent.once('exit', resolve));
      parent.kill('SIGTERM');
      await exited;
    }
  });
});
