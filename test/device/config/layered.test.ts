/**
 * The panel's config in two layers: the base file (wiring and `pairing`) and the kit pairing saved as
 * provisioned.yaml. Unpaired, the base runs under a placeholder identity; paired, the kit's identity and
 * credentials apply and its doors rename the wired doors it names (readers follow); a broken kit is an
 * error that names the file and no secret.
 */
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import type { PanelKit } from '../../../cloud-sync/protocol/pairing.ts';
import { loadLayeredConfig, provisionedPath, writeProvisioned } from '../../../device/config/layered.ts';
import { hashPin } from '../../../lib/crypto/pin-hash.ts';
import { tempDir } from '../../support/temp-dir.ts';

const KIT: PanelKit = {
  panel: { id: 'entrance-a', name: 'Entrance A', timeZone: 'Europe/Oslo' },
  sync: {
    brokerUrl: 'mqtts://broker.example:8883',
    username: 'entrance-a',
    password: 'a-broker-password-0123456789',
    hubPublicKey: 'A'.repeat(43),
    mqttVersion: 5,
    caPem: '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n',
  },
  installerToken: 'an-installer-token-0123456789',
  installerPinHash: await hashPin('20481024'),
  doors: [{ id: 'bike-room', name: 'Bike room', wired: 'relay-2' }],
};

function baseConfig(dir: string): string {
  const file = join(dir, 'panel.yaml');
  writeFileSync(
    file,
    stringify({
      hardware: { gpio: 'sim', reader: 'sim' },
      doors: [
        { id: 'relay-1', name: 'Door on relay 1', relay: { chip: 'sim', line: 17 } },
        { id: 'relay-2', name: 'Door on relay 2', relay: { chip: 'sim', line: 18 } },
      ],
      readers: [{ id: 'reader-1', name: 'ACS', doors: ['relay-1', 'relay-2'] }],
      store: { path: join(dir, 'data', 'panel.db') },
      api: { port: 0 },
      pairing: { hubUrl: 'https://hub.example' },
    }),
  );
  return file;
}

describe('layered config', () => {
  it('runs an unpaired base config under a placeholder identity, without sync', () => {
    const dir = tempDir();
    const config = loadLayeredConfig(baseConfig(dir));
    expect(config.panel.id).toBe('unpaired');
    expect(config.sync).toBeUndefined();
    expect(config.pairing?.hubUrl).toBe('https://hub.example');
  });

  it('layers the kit: identity, broker login with its CA, installer token, doors renamed where the kit says', () => {
    const dir = tempDir();
    const file = baseConfig(dir);
    const dataDir = join(dir, 'data');
    const written = writeProvisioned(dataDir, KIT);
    expect(written).toBe(provisionedPath(dataDir));
    expect(statSync(written).mode & 0o777).toBe(0o600);
    const config = loadLayeredConfig(file);
    expect(config.panel).toEqual({ id: 'entrance-a', name: 'Entrance A', timeZone: 'Europe/Oslo' });
    expect(config.sync).toMatchObject({
      brokerUrl: 'mqtts://broker.example:8883',
      username: 'entrance-a',
      password: KIT.sync.password,
      ca: join(dataDir, 'broker-ca.pem'),
    });
    expect(readFileSync(join(dataDir, 'broker-ca.pem'), 'utf8')).toBe(KIT.sync.caPem);
    expect(config.api.installerToken).toBe(KIT.installerToken);
    expect(config.api.installerPinHash).toBe(KIT.installerPinHash);
    // By name, not position: relay-2 became the bike room; relay-1, unnamed by the kit, keeps its id.
    expect(config.doors.map((d) => [d.id, d.name, d.relay.line])).toEqual([
      ['relay-1', 'Door on relay 1', 17],
      ['bike-room', 'Bike room', 18],
    ]);
    expect(config.readers[0]?.doors).toEqual(['relay-1', 'bike-room']);
  });

  it('refuses a kit that is not one, naming the file and no secret', () => {
    const dir = tempDir();
    const file = baseConfig(dir);
    const dataDir = join(dir, 'data');
    writeProvisioned(dataDir, KIT);
    const kitFile = provisionedPath(dataDir);
    writeFileSync(kitFile, stringify({ ...KIT, sync: { ...KIT.sync, hubPublicKey: 'short' } }));
    expect(existsSync(kitFile)).toBe(true);
    let message = '';
    try {
      loadLayeredConfig(file);
    } catch (err) {
      message = String(err);
    }
    expect(message).toContain(kitFile);
    expect(message).toContain('sync.hubPublicKey');
    expect(message).not.toContain(KIT.sync.password);
  });
});
