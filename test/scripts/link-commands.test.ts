/**
 * After setup, `portvakt`, `portvakt-hub` and `portvakt-kiosk` are commands on PATH: setup.sh runs link-commands.sh, which
 * links the package.json `bin` launchers into a bin dir (here a temp dir standing in for /usr/local/bin).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../support/temp-dir.ts';

const ROOT = new URL('../../', import.meta.url).pathname;
const LINK = join(ROOT, 'scripts/link-commands.sh');

describe('scripts/link-commands.sh (run by setup.sh)', () => {
  it('puts every package.json bin on PATH, idempotently, and the commands run by name', () => {
    const bin = tempDir();
    execFileSync(LINK, [bin]);
    execFileSync(LINK, [bin]);
    const { bin: bins } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
      bin: Record<string, string>;
    };
    expect(Object.keys(bins).sort()).toEqual(['portvakt', 'portvakt-hub', 'portvakt-kiosk']);
    for (const [name, target] of Object.entries(bins))
      expect(readlinkSync(join(bin, name))).toBe(join(ROOT, target));
    // By name, from another directory, as an operator types them.
    const env = { ...process.env, PATH: `${bin}:${process.env['PATH']}` };
    for (const [command, usage] of [
      [['portvakt-hub', 'building', '--help'], 'usage: portvakt-hub building'],
      [['portvakt', '--help'], 'portvakt --config FILE'],
      [['portvakt-kiosk', '--help'], 'Usage: portvakt-kiosk [--config FILE]'],
    ] as const) {
      const run = spawnSync(command[0], command.slice(1), { cwd: tempDir(), env, encoding: 'utf8' });
      expect({ command, status: run.status, stderr: run.stderr }).toEqual({ command, status: 0, stderr: '' });
      expect(run.stdout).toContain(usage);
    }
    expect(setupScript()).toContain('scripts/link-commands.sh');
  });

  it('leaves a file that is not its symlink alone and says so', () => {
    const bin = tempDir();
    writeFileSync(join(bin, 'portvakt'), 'mine');
    const run = spawnSync(LINK, [bin], { encoding: 'utf8' });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('not a symlink');
    expect(readFileSync(join(bin, 'portvakt'), 'utf8')).toBe('mine');
    expect(readlinkSync(join(bin, 'portvakt-hub'))).toBe(join(ROOT, 'bin/portvakt-hub.js'));
  });
});

const setupScript = () => readFileSync(join(ROOT, 'scripts/setup.sh'), 'utf8');
