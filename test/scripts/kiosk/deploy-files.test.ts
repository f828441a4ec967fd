/**
 * deploy/kiosk/ as shipped: the example settings are the defaults the code has, the systemd unit is one
 * systemd accepts (systemd-analyze verify), it starts the launcher on the default config path, opens the
 * PAM session shipped beside it, and stops the kiosk the one way Debian 12's cage survives.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_KIOSK_CONFIG_PATH, parseKioskConfig } from '../../../scripts/kiosk/kiosk-config.ts';
import { tempDir } from '../../support/temp-dir.ts';

const ROOT = new URL('../../../', import.meta.url).pathname;
const deployFile = (name: string) => readFileSync(join(ROOT, 'deploy/kiosk', name), 'utf8');

describe('deploy/kiosk', () => {
  it('ships example settings that are exactly the defaults', () => {
    expect(parseKioskConfig(deployFile('kiosk.yaml'))).toEqual(parseKioskConfig(''));
  });

  it('ships a unit systemd accepts, which runs the launcher as its own user and stops it through it', () => {
    const unit = deployFile('portvakt-kiosk.service');
    const setting = (key: string) => new RegExp(`^${key}=(.*)$`, 'm').exec(unit)?.[1];
    expect(setting('ExecStart')).toBe(`/usr/local/bin/portvakt-kiosk --config ${DEFAULT_KIOSK_CONFIG_PATH}`);
    expect(setting('User')).toBe('portvakt-kiosk');
    expect(setting('KillMode')).toBe('mixed');
    expect(setting('Restart')).toBe('always');
    expect(deployFile(`pam-${setting('PAMName')}`)).toMatch(/^session\s+required\s+pam_systemd\.so$/m);
    // systemd's own check, with ExecStart pointing at this checkout's launcher (not linked here).
    const dir = tempDir('portvakt-unit-');
    const copy = join(dir, 'portvakt-kiosk.service');
    writeFileSync(copy, unit.replace('/usr/local/bin/portvakt-kiosk', join(ROOT, 'bin/portvakt-kiosk')));
    expect(execFileSync('systemd-analyze', ['verify', copy], { encoding: 'utf8', stdio: 'pipe' })).toBe('');
  });
});
