import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { KEY_FILE } from '../../../cloud-sync/hub/signer/keys.ts';
import { openHubStore } from '../../../cloud-sync/hub/store/hub-store.ts';
import { verifyPassword } from '../../../cloud-sync/hub/store/passwords.ts';
import { configSchema } from '../../../device/config/schema.ts';
import { SystemClock } from '../../../lib/clock/clock.ts';
import { silentLogger } from '../../../lib/log/logger.ts';
import { hubCli } from '../../support/hub-cli.ts';
import { tempDir } from '../../support/temp-dir.ts';

/** The hub CLI on one data dir; `json()` parses what it printed. */
function cli(dataDir: string) {
  return async (...argv: string[]) => {
    const run = await hubCli(dataDir, ...argv);
    return { ...run, json: () => JSON.parse(run.out) };
  };
}

/** `provision` of panel p1 in building b1, the installer's one command. */
const provisionP1 = (run: ReturnType<typeof cli>, brokerUrl: string, out: string) =>
  run('provision', '--panel-id', 'p1', '--building', 'b1', '--broker-url', brokerUrl, '--out', out);

/** The broker password hash the hub keeps for p1. */
function hashOf(dataDir: string): string {
  const store = openHubStore(join(dataDir, 'hub.db'), { clock: new SystemClock(), logger: silentLogger });
  try {
    return store.panels.passwordHash('p1')!;
  } finally {
    store.close();
  }
}

describe('hub CLI', () => {
  it('provisions a panel: panel.yaml with the sync section and hub key, broker files, hashed password', async () => {
    const data = tempDir();
    const out = join(tempDir(), 'kit');
    const run = cli(data);
    expect(
      (await run('building', 'add', '--id', 'b1', '--name', 'Storgatan', '--time-zone', 'Europe/Stockholm'))
        .code,
    ).toBe(0);
    const res = await provisionP1(run, 'mqtts://broker.example:8883', out);
    expect(res.err).toBe('');
    expect(res.code).toBe(0);
    const printed = res.json();
    const keyFile = join(data, KEY_FILE);
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    expect(printed.hubPublicKey).toBe(JSON.parse(readFileSync(keyFile, 'utf8')).publicKey);

    const config = parse(readFileSync(join(out, 'panel.yaml'), 'utf8'));
    expect(statSync(join(out, 'panel.yaml')).mode & 0o777).toBe(0o600);
    expect(Object.keys(config.sync).sort()).toEqual(['brokerUrl', 'hubPublicKey', 'password', 'username']);
    expect(config.sync).toMatchObject({
      brokerUrl: 'mqtts://broker.example:8883',
      username: 'p1',
      hubPublicKey: printed.hubPublicKey,
    });
    expect(config.panel).toEqual({ id: 'p1', name: 'p1', timeZone: 'Europe/Stockholm' });
    expect(config.doors.length).toBeGreaterThan(0);
    // The installer token the README promises: random, shown once (printed), in panel.yaml.
    expect(config.api.installerToken).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(printed.installerToken).toBe(config.api.installerToken);
    // The panel's own config schema (with its sync section) accepts the file as written.
    expect(configSchema.safeParse(config).error?.issues).toBeUndefined();

    // Per leaf: the panel writes what it sends and reads what it receives, nothing else.
    const acl = readFileSync(join(out, 'mosquitto.acl.lines'), 'utf8');
    const rules = acl.split('\n').filter((l) => l && !l.startsWith('#'));
    expect(rules).toEqual([
      'user p1',
      ...['state', 'config/reported', 'config/request', 'events', 'commands/result', 'calls/to/+'].map(
        (l) => `topic write portvakt/v1/devices/p1/${l}`,
      ),
      ...['config/desired', 'config/patch', 'events/ack', 'commands', 'calls/from/+'].map(
        (l) => `topic read portvakt/v1/devices/p1/${l}`,
      ),
    ]);
    let hasMosquitto = true;
    try {
      execFileSync('which', ['mosquitto_passwd'], { stdio: 'ignore' });
    } catch {
      hasMosquitto = false;
    }
    if (hasMosquitto) expect(readFileSync(join(out, 'mosquitto.passwd.line'), 'utf8')).toMatch(/^p1:\$7\$/);

    const store = openHubStore(join(data, 'hub.db'), { clock: new SystemClock(), logger: silentLogger });
    try {
      expect(verifyPassword(config.sync.password, store.panels.passwordHash('p1')!)).toBe(true);
    } finally {
      store.close();
    }
    // Provisioning twice is refused, leaving the first credentials valid, and says how to reissue.
    const again = await provisionP1(run, 'mqtt://x', join(tempDir(), 'kit2'));
    expect(again.code).toBe(1);
    expect(again.err).toContain('--reissue');
    expect(hashOf(data)).toSatisfy((h: string) => verifyPassword(config.sync.password, h));
    // A kit is never overwritten (the installer may have edited its wiring), not even by a reissue.
    const overwrite = await run(
      'provision',
      '--reissue',
      '--panel-id',
      'p1',
      '--broker-url',
      'mqtt://x',
      '--out',
      out,
    );
    expect(overwrite.code).toBe(2);
    expect(overwrite.err).toContain('refusing to overwrite');
    expect(hashOf(data)).toSatisfy((h: string) => verifyPassword(config.sync.password, h));

    // The explicit reissue: new password and installer token, a new kit, and what to redo.
    const out2 = join(tempDir(), 'kit-reissued');
    const reissue = await run(
      'provision',
      '--reissue',
      '--panel-id',
      'p1',
      '--broker-url',
      'mqtts://broker.example:8883',
      '--out',
      out2,
    );
    expect(reissue.code).toBe(0);
    expect(reissue.json()).toMatchObject({ panelId: 'p1', buildingId: 'b1', reissued: true });
    expect(reissue.err).toContain('mosquitto.passwd.line');
    expect(reissue.err).toMatch(/restart the panel/);
    const config2 = parse(readFileSync(join(out2, 'panel.yaml'), 'utf8'));
    expect(config2.sync.password).not.toBe(config.sync.password);
    expect(config2.api.installerToken).not.toBe(config.api.installerToken);
    expect(verifyPassword(config2.sync.password, hashOf(data))).toBe(true);
    expect(verifyPassword(config.sync.password, hashOf(data))).toBe(false);
    if (hasMosquitto) expect(readFileSync(join(out2, 'mosquitto.passwd.line'), 'utf8')).toMatch(/^p1:\$7\$/);
    // Reissuing a panel that does not exist is refused.
    expect(
      (
        await run(
          'provision',
          '--reissue',
          '--panel-id',
          'p9',
          '--broker-url',
          'mqtt://x',
          '--out',
          join(tempDir(), 'k'),
        )
      ).code,
    ).toBe(1);
  });

  it('creates the doors named with --door at the hub and wires the same ids in panel.yaml', async () => {
    const data = tempDir();
    const out = join(tempDir(), 'kit');
    const run = cli(data);
    await run('building', 'add', '--id', 'b1', '--name', 'B', '--time-zone', 'UTC');
    const res = await run(
      'provision',
      '--panel-id',
      'p1',
      '--building',
      'b1',
      '--door',
      'front=Front door',
      '--door',
      'garage',
      '--broker-url',
      'mqtt://h:1883',
      '--out',
      out,
    );
    expect(res.err).toBe('');
    expect(res.json().doors).toEqual(['front', 'garage']);
    const config = parse(readFileSync(join(out, 'panel.yaml'), 'utf8'));
    expect(config.doors.map((d: { id: string; name: string }) => [d.id, d.name])).toEqual([
      ['front', 'Front door'],
      ['garage', 'garage'],
    ]);
    expect(config.readers[0].doors).toEqual(['front', 'garage']);
    // A bad door id changes nothing: no panel was created.
    const bad = await run(
      'provision',
      '--panel-id',
      'p2',
      '--building',
      'b1',
      '--door',
      'Bad Id',
      '--broker-url',
      'mqtt://h:1883',
      '--out',
      join(tempDir(), 'k'),
    );
    expect(bad.code).toBe(2);
    // A door before its panel: the error says that provisioning creates the panel (and its doors).
    const early = await run('door', 'add', '--id', 'd2', '--panel', 'p2', '--name', 'x');
    expect(early.code).toBe(2);
    expect(early.err).toContain('portvakt-hub provision --panel-id p2');
  });

  it('adds admin rows and revokes cards, printing JSON', async () => {
    const run = cli(tempDir());
    await run('building', 'add', '--id', 'b1', '--name', 'B', '--time-zone', 'UTC');
    await run('unit', 'add', '--id', 'u1', '--building', 'b1', '--name', '1101');
    expect(
      (await run('resident', 'add', '--id', 'alice', '--unit', 'u1', '--name', 'Alice')).json(),
    ).toMatchObject({ status: 'active' });
    const card = await run(
      'card',
      'add',
      '--id',
      'c1',
      '--uid',
      '04a1b2c3',
      '--resident',
      'alice',
      '--valid-until',
      '1900000000000',
    );
    expect(card.json()).toMatchObject({ uid: '04A1B2C3', validUntil: 1_900_000_000_000 });
    expect((await run('card', 'revoke', '--id', 'c1')).json().status).toBe('revoked');
  });

  it('answers bad arguments with a clear error and exit code 2, and --help per command', async () => {
    const data = tempDir();
    const run = cli(data);
    for (const argv of [
      ['nope'],
      ['building', 'add', '--id', 'b1'],
      ['building', 'add', '--id', 'b1', '--name', 'B', '--time-zone', 'Nowhere/Land'],
      ['card', 'add', '--id', 'c', '--uid', '04', '--resident', 'r', '--bogus', 'x'],
      ['provision', '--panel-id', 'p1', '--building', 'b1', '--broker-url', 'http://x', '--out', '/tmp/x'],
      ['serve', '--mqtt-version', '7'],
    ]) {
      const res = await run(...argv);
      expect({ argv, code: res.code }).toEqual({ argv, code: 2 });
      expect(res.err).toMatch(/^error: .+/);
    }
    for (const argv of [
      ['--help'],
      ['serve', '--help'],
      ['provision', '--help'],
      ['rule', 'add', '--help'],
      ['card', 'revoke', '--help'],
    ]) {
      const res = await run(...argv);
      expect(res.code).toBe(0);
      expect(res.out).toContain('usage: portvakt-hub');
    }
    expect(existsSync(join(data, 'hub.db'))).toBe(false);
  });
});
