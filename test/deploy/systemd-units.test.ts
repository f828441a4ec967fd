/**
 * The shipped systemd units (deploy/systemd/, deploy/kiosk/) as systemd 252 (Debian 12, the panel's)
 * reads them: `systemd-analyze verify` in a scratch root that holds the units, the distribution's own
 * units they refer to, and stand-ins for the programs they start. Any warning fails the test (systemd
 * only warns about unknown keys and bad values, and would run the unit without them).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  cpSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../support/temp-dir.ts';

const UNITS = [
  'deploy/systemd/portvakt-panel.service',
  'deploy/systemd/portvakt-hub.service',
  'deploy/systemd/portvakt-firstboot.service',
  'deploy/kiosk/portvakt-kiosk.service',
];
const PROGRAMS = [
  'usr/local/bin/portvakt',
  'usr/local/bin/portvakt-hub',
  'usr/local/bin/portvakt-kiosk',
  'usr/local/sbin/portvakt-firstboot',
  'bin/sh',
];

let root: string;
beforeAll(() => {
  root = tempDir('portvakt-units-');
  mkdirSync(join(root, 'etc/systemd/system'), { recursive: true });
  mkdirSync(join(root, 'usr/lib/systemd'), { recursive: true });
  cpSync('/lib/systemd/system', join(root, 'usr/lib/systemd/system'), { recursive: true });
  for (const unit of UNITS) copyFileSync(unit, join(root, 'etc/systemd/system', unit.split('/').pop()!));
  for (const program of PROGRAMS) {
    mkdirSync(join(root, program, '..'), { recursive: true });
    writeFileSync(join(root, program), '#!/bin/sh\n');
    chmodSync(join(root, program), 0o755);
  }
});

const unitName = (path: string) => path.split('/').pop()!;

describe('systemd units', () => {
  it.each(UNITS)('%s passes systemd-analyze verify without a warning', (unit) => {
    const run = spawnSync('systemd-analyze', ['verify', `--root=${root}`, unitName(unit)], {
      encoding: 'utf8',
    });
    expect(`${run.stdout}${run.stderr}`.trim()).toBe('');
    expect(run.status).toBe(0);
  });

  it('the panel unit: notify with a watchdog, restarted always, V8 JIT allowed, only its devices', () => {
    const text = readFileSync('deploy/systemd/portvakt-panel.service', 'utf8');
    for (const line of [
      'Type=notify',
      'NotifyAccess=all',
      'WatchdogSec=20s',
      'Restart=always',
      'RestartSec=1',
      'EnvironmentFile=/etc/portvakt/panel.env',
      'User=portvakt',
      'ProtectSystem=strict',
      'ReadWritePaths=/var/lib/portvakt',
      'DevicePolicy=closed',
      'NoNewPrivileges=yes',
    ])
      expect(text.split('\n')).toContain(line);
    expect(text).not.toMatch(/^MemoryDenyWriteExecute=/m);
  });

  it('systemd-analyze security rates the panel and hub units OK or better (exposure below 3.0)', () => {
    for (const unit of ['portvakt-panel.service', 'portvakt-hub.service']) {
      const out = execFileSync('systemd-analyze', ['security', '--offline=yes', `--root=${root}`, unit], {
        encoding: 'utf8',
      });
      const exposure = Number(/Overall exposure level for \S+: ([\d.]+)/.exec(out)?.[1]);
      expect(exposure, unit).toBeLessThan(3);
    }
  });

  it('the kiosk starts after the panel is ready', () => {
    const text = readFileSync('deploy/kiosk/portvakt-kiosk.service', 'utf8');
    expect(text).toMatch(/^After=.*portvakt-panel\.service/m);
    expect(readdirSync(join(root, 'etc/systemd/system'))).toContain('portvakt-kiosk.service');
  });
});
