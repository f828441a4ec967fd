import { spawn } from 'node:child_process';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../support/temp-dir.ts';

const CHILD = new URL('../support/apply-snapshot-child.ts', import.meta.url).pathname;
const RUNS = 200;

// SIGKILL during a config snapshot apply, 200 times: afterwards the store holds exactly one version's
// data (old or new, never a mix) and passes SQLite's integrity check.
// In the slow suite (`npm run test:slow`): 200 child processes take about 90 s.
describe('panel killed while applying a config snapshot', () => {
  it(`leaves the old or the new version, never a mix (${RUNS} kills)`, { timeout: 600_000 }, async () => {
    const db = join(tempDir(), 'panel.db');
    let applyMs = 50;
    const outcomes = { old: 0, new: 0 };
    for (let run = 0; run < RUNS; run++) {
      const child = spawn(process.execPath, [CHILD, db, '1500'], { stdio: ['ignore', 'pipe', 'inherit'] });
      let out = '';
      let applying = 0;
      // 'close', not 'exit': everything the child printed before it died must have been read.
      const exited = new Promise<void>((resolve) => child.on('close', () => resolve()));
      await new Promise<void>((resolve, reject) => {
        child.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          const done = /done \d+ ([\d.]+)\n/.exec(out);
          if (done) applyMs = Math.max(5, Number(done[1]));
          // The first run measures how long an apply takes: it waits for the second one to start.
          const starts = [...out.matchAll(/apply (\d+)\n/g)];
          const wanted = run === 0 ? 2 : 1;
          if (starts.length >= wanted && !applying) {
            applying = Number(starts[wanted - 1]![1]);
            resolve();
          }
        });
        void exited.then(() => reject(new Error(`child exited early:\n${out}`)));
      });
      // Kill somewhere inside the apply (and sometimes just after it).
      await new Promise((r) => setTimeout(r, Math.random() * applyMs * 1.2));
      child.kill('SIGKILL');
      await exited;
      // The child may have finished the targeted apply and started the next before the kill landed: the
      // store must hold the last apply it announced or the one before (announced only after that committed).
      const last = Math.max(...[...out.matchAll(/apply (\d+)\n/g)].map((m) => Number(m[1])));

      const check = new Database(db, { readonly: true });
      try {
        expect(check.pragma('integrity_check', { simple: true })).toBe('ok');
        const version = check
          .prepare(`SELECT value FROM sync_state WHERE key = 'config_version'`)
          .pluck()
          .get() as number;
        expect([last - 1, last]).toContain(version);
        // Did the kill land before or after the targeted apply committed?
        if (version >= applying) outcomes.new++;
        else outcomes.old++;
        if (version > 0) {
          const tags = check
            .prepare(`SELECT DISTINCT substr(name, 1, instr(name, ' ') - 1) FROM residents`)
            .pluck()
            .all();
          expect(tags).toEqual([`v${version}`]);
          expect(check.prepare('SELECT count(*) FROM cards').pluck().get()).toBe(1500);
        }
      } finally {
        check.close();
      }
    }
    // Both outcomes happened: the kills really landed on both sides of the commit.
    expect(outcomes.old).toBeGreaterThan(0);
    expect(outcomes.new).toBeGreaterThan(0);
  });
});
