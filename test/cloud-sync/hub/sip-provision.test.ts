import { readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import DatabaseConstructor from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { serveSettings } from '../../../cloud-sync/hub/cli/serve-settings.ts';
import { digestHa1 } from '../../../cloud-sync/hub/sip/panel-account.ts';
import { hubCli } from '../../support/hub-cli.ts';
import { tempDir } from '../../support/temp-dir.ts';

const SIP_FLAGS = ['--sip-edge-url', 'wss://sip.example.com:8443', '--sip-domain', 'sip.example.com'];

/** The panel subscriber rows of the edge database (what Kamailio authenticates against). */
function subscribers(edgeDb: string): { username: string; domain: string; ha1: string; password: string }[] {
  const db = new DatabaseConstructor(edgeDb, { readonly: true });
  try {
    return db
      .prepare(
        "SELECT username, domain, ha1, password FROM subscriber WHERE role = 'panel' ORDER BY username",
      )
      .all() as { username: string; domain: string; ha1: string; password: string }[];
  } finally {
    db.close();
  }
}

describe('provisioning a panel with a SIP account (phone fallback)', () => {
  it('puts intercom.phone into panel.yaml, the digest into the edge database, and the password nowhere else', async () => {
    const data = tempDir();
    const edgeDb = join(tempDir(), 'sip-edge.db');
    const out = join(tempDir(), 'kit');
    const run = (...argv: string[]) => hubCli(data, ...argv);
    await run('building', 'add', '--id', 'b1', '--name', 'Storgatan 12', '--time-zone', 'Europe/Stockholm');
    await run('unit', 'add', '--id', 'u1', '--building', 'b1', '--name', '1101');
    const res = await run(
      'provision',
      ...['--panel-id', 'p1', '--building', 'b1', '--broker-url', 'mqtts://broker.example:8883'],
      ...['--out', out, ...SIP_FLAGS, '--sip-ca', '/etc/portvakt/sip-ca.pem', '--sip-edge-db', edgeDb],
    );
    expect(res.err).toBe('');
    expect(res.code).toBe(0);
    const config = parse(readFileSync(join(out, 'panel.yaml'), 'utf8'));
    const phone = config.intercom.phone;
    expect(Object.keys(phone).sort()).toEqual(['ca', 'domain', 'edgeUrl', 'password', 'username']);
    expect(phone).toMatchObject({
      edgeUrl: 'wss://sip.example.com:8443',
      domain: 'sip.example.com',
      username: 'p1',
      ca: '/etc/portvakt/sip-ca.pem',
    });
    expect(phone.password).toMatch(/^[A-Za-z0-9_-]{32,}$/);
    expect(phone.password).not.toBe(config.sync.password);
    expect(statSync(join(out, 'panel.yaml')).mode & 0o777).toBe(0o600);
    // The printed JSON names the account, never its password.
    expect(res.out).not.toContain(phone.password);
    expect(JSON.parse(res.out).phoneFallback).toEqual({
      username: 'p1',
      domain: 'sip.example.com',
      edgeUrl: 'wss://sip.example.com:8443',
    });
    expect(subscribers(edgeDb)).toEqual([
      {
        username: 'p1',
        domain: 'sip.example.com',
        ha1: digestHa1('p1', 'sip.example.com', phone.password),
        password: '',
      },
    ]);
    // Not in the hub database either: only the digest.
    expect(readFileSync(join(data, 'hub.db')).includes(phone.password)).toBe(false);

    // Reissuing replaces the SIP password along with the broker password.
    const reissued = join(tempDir(), 'kit2');
    const again = await run(
      'provision',
      ...['--reissue', '--panel-id', 'p1', '--broker-url', 'mqtts://broker.example:8883'],
      ...['--out', reissued, ...SIP_FLAGS, '--sip-edge-db', edgeDb],
    );
    expect(again.code).toBe(0);
    expect(again.err).toContain('intercom.phone');
    const newPhone = parse(readFileSync(join(reissued, 'panel.yaml'), 'utf8')).intercom.phone;
    expect(newPhone.password).not.toBe(phone.password);
    expect(subscribers(edgeDb)[0]?.ha1).toBe(digestHa1('p1', 'sip.example.com', newPhone.password));

    // Rotation alone: a new section in a new private file; the old password stops working.
    const section = join(tempDir(), 'phone.yaml');
    const rotated = await run(
      'sip',
      'rotate',
      '--panel-id',
      'p1',
      '--out',
      section,
      ...SIP_FLAGS,
      '--sip-edge-db',
      edgeDb,
    );
    expect(rotated.code).toBe(0);
    expect(statSync(section).mode & 0o777).toBe(0o600);
    const rotatedPhone = parse(readFileSync(section, 'utf8')).intercom.phone;
    expect(rotated.out).not.toContain(rotatedPhone.password);
    expect(subscribers(edgeDb)[0]?.ha1).toBe(digestHa1('p1', 'sip.example.com', rotatedPhone.password));
    const twice = await run('sip', 'rotate', '--panel-id', 'p1', '--out', section, ...SIP_FLAGS);
    expect(twice.code).toBe(2);
    expect(twice.err).toContain('refusing to overwrite');

    // Removal ends the account at the edge.
    const removed = await run('sip', 'remove', '--panel-id', 'p1', '--sip-edge-db', edgeDb);
    expect(JSON.parse(removed.out)).toEqual({ panelId: 'p1', removed: true });
    expect(subscribers(edgeDb)).toEqual([]);
  });

  it('without a SIP edge the kit has no phone section and says so; half a SIP edge is refused', async () => {
    const data = tempDir();
    const run = (...argv: string[]) => hubCli(data, ...argv);
    await run('building', 'add', '--id', 'b1', '--name', 'Storgatan 12', '--time-zone', 'Europe/Stockholm');
    const base = [
      'provision',
      '--panel-id',
      'p1',
      '--building',
      'b1',
      '--broker-url',
      'mqtt://127.0.0.1:1883',
    ];
    const half = await run(...base, '--out', join(tempDir(), 'kit'), '--sip-domain', 'sip.example.com');
    expect(half.code).toBe(2);
    expect(half.err).toContain('--sip-edge-url and --sip-domain go together');
    const badUrl = await run(
      ...base,
      '--out',
      join(tempDir(), 'kit'),
      '--sip-edge-url',
      'http://x',
      '--sip-domain',
      'd',
    );
    expect(badUrl.code).toBe(2);
    expect(badUrl.err).toContain('--sip-edge-url');
    const out = join(tempDir(), 'kit');
    const res = await run(...base, '--out', out);
    expect(res.code).toBe(0);
    expect(JSON.parse(res.out).phoneFallback).toMatch(/^none: no SIP edge given/);
    expect(parse(readFileSync(join(out, 'panel.yaml'), 'utf8')).intercom).toBeUndefined();
    const rotate = await run(
      'sip',
      'rotate',
      '--panel-id',
      'nope',
      '--out',
      join(tempDir(), 'x.yaml'),
      ...SIP_FLAGS,
    );
    expect(rotate.code).toBe(1);
    expect(rotate.err).toContain('no panel "nope"');
  });

  it('serve takes the SIP edge from flags or the environment, all of it or none', () => {
    const env = { PORTVAKT_HUB_ADMIN_TOKEN: 'a'.repeat(16) };
    expect(serveSettings({}, env).sip).toBeUndefined();
    const settings = serveSettings(
      { 'sip-edge-db': 'edge.db', 'sip-edge-url': 'wss://sip.example.com:8443' },
      { ...env, PORTVAKT_HUB_SIP_DOMAIN: 'sip.example.com' },
    );
    expect(settings.sip).toEqual({
      edgeDb: resolve('edge.db'),
      edgeUrl: 'wss://sip.example.com:8443',
      domain: 'sip.example.com',
    });
    expect(() => serveSettings({ 'sip-edge-db': 'edge.db' }, env)).toThrow(
      /PORTVAKT_HUB_SIP_EDGE_URL.*PORTVAKT_HUB_SIP_DOMAIN/,
    );
    expect(() =>
      serveSettings({ 'sip-edge-db': 'e.db', 'sip-edge-url': 'https://x', 'sip-domain': 'a b' }, env),
    ).toThrow(/--sip-edge-url: must be a wss:\/\/ URL.*--sip-domain: must be a host name/);
  });
});
