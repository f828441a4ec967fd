/** The factory reset takes the panel's credentials out of a hand-written config and keeps the rest. */
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  configSecretsIn,
  eraseConfigSecrets,
  withoutConfigSecrets,
} from '../../../device/installer/config-secrets.ts';
import { silentLogger } from '../../../lib/log/logger.ts';
import { tempDir } from '../../support/temp-dir.ts';

const KIT = `# The entrance panel (kit of 2026-12-01)
panel: { id: entrance, name: Entrance }
doors:
  - id: front # the strike on relay 1
    name: Front door
    relay: { chip: gpiochip0, line: 17 }
api:
  installerToken: tok-installer-0123456789
  readToken: tok-read-0123456789
  installerPinHash: scrypt$16384$8$1$c2FsdHNhbHRzYWx0c2FsdA$a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2U
sync:
  brokerUrl: mqtts://broker.example:8883
  username: entrance
  password: broker-secret-0123456789
intercom:
  enabled: true
  phone: { edgeUrl: wss://edge.example:7443, domain: sip.example, password: sip-secret-0123 }
`;

describe('config secrets at a factory reset', () => {
  it('names the credentials a config holds', () => {
    expect(configSecretsIn(KIT)).toEqual(['sync', 'intercom.phone', 'api.installerToken', 'api.readToken']);
    expect(configSecretsIn('panel: { id: a, name: A }\n')).toEqual([]);
  });

  it('takes a metrics section with a token out whole (a LAN listener without it would not start)', () => {
    const lan = `panel: { id: a, name: A }\nmetrics: { host: 192.0.2.10, port: 9464, token: scrape-token-0123456789 }\n`;
    expect(configSecretsIn(lan)).toEqual(['metrics.token']);
    expect(parse(withoutConfigSecrets(lan))).toEqual({ panel: { id: 'a', name: 'A' } });
    const loopback = `panel: { id: a, name: A }\nmetrics: { port: 9464 }\n`;
    expect(parse(withoutConfigSecrets(loopback))).toEqual({
      panel: { id: 'a', name: 'A' },
      metrics: { port: 9464 },
    });
  });

  it('removes them and keeps wiring, the PIN hash and comments', () => {
    const text = withoutConfigSecrets(KIT);
    for (const secret of ['tok-installer', 'tok-read', 'broker-secret', 'sip-secret', 'brokerUrl'])
      expect(text).not.toContain(secret);
    const config = parse(text) as Record<string, Record<string, unknown>>;
    expect(config['doors']).toEqual([
      { id: 'front', name: 'Front door', relay: { chip: 'gpiochip0', line: 17 } },
    ]);
    expect(config['api']).toEqual({ installerPinHash: expect.stringMatching(/^scrypt\$/) });
    expect(config['intercom']).toEqual({ enabled: true });
    expect(text).toContain('# the strike on relay 1');
  });

  it('rewrites the file with its mode, or names what stays when it cannot', () => {
    const dir = tempDir();
    const path = join(dir, 'panel.yaml');
    writeFileSync(path, KIT, { mode: 0o600 });
    expect(eraseConfigSecrets(path, silentLogger)).toEqual([]);
    expect(configSecretsIn(readFileSync(path, 'utf8'))).toEqual([]);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    // Nothing left to erase: the file is not written again.
    expect(eraseConfigSecrets(path, silentLogger)).toEqual([]);

    // A config the panel cannot replace (here its scratch name is taken by a folder; on a panel, a
    // read-only root) keeps its secrets, and the reset says which.
    const stuck = join(tempDir(), 'panel.yaml');
    writeFileSync(stuck, KIT);
    mkdirSync(`${stuck}.tmp`); // writeFileAtomic's scratch name
    expect(eraseConfigSecrets(stuck, silentLogger)).toEqual([
      'sync',
      'intercom.phone',
      'api.installerToken',
      'api.readToken',
    ]);
    expect(readFileSync(stuck, 'utf8')).toBe(KIT);
    expect(eraseConfigSecrets(join(stuck, 'nested'), silentLogger)).toEqual(['(unreadable config)']);
  });
});
