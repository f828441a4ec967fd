/**
 * `portvakt set-installer-pin`: the PIN comes from standard input only, its hash goes to the data folder
 * (0600) and overrides the config's; a bad PIN changes nothing.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InstallerPinSource, PIN_OVERRIDE_FILE } from '../../../device/installer/pin-source.ts';
import { hashPin, verifyPin } from '../../../lib/crypto/pin-hash.ts';
import { panelConfig } from '../../support/configs.ts';
import { writeConfig } from '../../support/panel-process.ts';
import { tempDir } from '../../support/temp-dir.ts';

const CLI = new URL('../../../device/cli.ts', import.meta.url).pathname;

function setPin(args: string[], stdin: string): Promise<{ code: number | null; out: string }> {
  const child = spawn(process.execPath, [CLI, 'set-installer-pin', ...args], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  child.stdin.end(stdin);
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, out })));
}

describe('portvakt set-installer-pin', () => {
  it('writes the hash of the PIN read from standard input to the data folder, where it wins', async () => {
    const dir = tempDir();
    const configHash = await hashPin('11112222');
    const config = panelConfig({ storePath: join(dir, 'data', 'panel.db') });
    const file = writeConfig(dir, {
      ...config,
      api: { ...(config['api'] as object), installerPinHash: configHash },
    });
    const source = new InstallerPinSource(join(dir, 'data'), configHash);
    expect(await source.current()).toEqual({ kind: 'config', hash: configHash });

    const res = await setPin(['--config', file], '5550123\n');
    expect(res.code).toBe(0);
    expect(res.out).not.toContain('5550123');
    const path = join(dir, 'data', PIN_OVERRIDE_FILE);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    const written = readFileSync(path, 'utf8').trim();
    expect(await verifyPin('5550123', written)).toBe(true);
    expect(await source.current()).toEqual({ kind: 'data-dir', hash: written });
  }, 30_000);

  it('refuses a PIN that is not 6-12 digits, and arguments on the command line', async () => {
    const dir = tempDir();
    const bad = await setPin(['--data-dir', dir], 'letmein\n');
    expect(bad.code).toBe(2);
    expect(bad.out).toContain('6-12 digits');
    expect(bad.out).not.toContain('letmein');
    expect(existsSync(join(dir, PIN_OVERRIDE_FILE))).toBe(false);
    const positional = await setPin(['--data-dir', dir, '123456'], '');
    expect(positional.code).toBe(2);
    expect(existsSync(join(dir, PIN_OVERRIDE_FILE))).toBe(false);
  }, 30_000);
});
