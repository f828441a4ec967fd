import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { leafRights, mosquittoAcl, panelAclLines } from '../../../cloud-sync/protocol/broker-rights.ts';
import { DEVICE_LEAVES } from '../../../cloud-sync/protocol/topics.ts';
import { DEPLOY_DIR, labConfig } from '../../../scripts/lab/mosquitto-config.ts';

// The shipped Mosquitto files are generated from, or checked against, the one rights table.

const shipped = (name: string) => readFileSync(`${DEPLOY_DIR}${name}`, 'utf8');

describe('deploy/mosquitto', () => {
  it('ships the ACL generated from broker-rights.ts (regenerate it when the table changes)', () => {
    expect(shipped('acl')).toBe(mosquittoAcl('hub', { dynsecAdmin: true }));
  });

  it('gives each leaf to exactly one writer, the other party reading it', () => {
    const panel = leafRights('panel');
    const hub = leafRights('hub');
    for (const leaf of Object.keys(DEVICE_LEAVES)) {
      expect(panel.write.includes(leaf) !== hub.write.includes(leaf), leaf).toBe(true);
      expect(panel.read.includes(leaf), leaf).toBe(hub.write.includes(leaf));
    }
    expect(panelAclLines('p1')).not.toMatch(/readwrite|#/);
    expect(shipped('acl')).not.toMatch(/^pattern/m);
  });

  it('binds client id to username on every listener and opens no plain default listener', () => {
    const conf = shipped('mosquitto.conf');
    const listeners = conf.split(/^listener /m).slice(1);
    expect(listeners.length).toBeGreaterThan(0);
    for (const block of listeners) {
      expect(block).toMatch(/^use_username_as_clientid true$/m);
      expect(block).toMatch(/^certfile /m);
    }
    const global = conf.split(/^listener /m)[0]!;
    expect(global).toMatch(/^allow_anonymous false$/m);
    expect(global).toMatch(/^password_file /m);
    expect(global).toMatch(/^acl_file /m);
    expect(global).not.toMatch(/^(use_username_as_clientid|port|cafile|certfile) /m);
  });

  it('lets the lab change only paths, ports, the run-as user, TLS files and persistence', () => {
    const conf = shipped('mosquitto.conf');
    const lab = labConfig(conf, {
      dir: '/tmp/x',
      port: 1234,
      websocketPort: 1235,
      tls: true,
      requireCertificate: false,
      persistence: true,
      extraConfig: '',
      asRoot: false,
    });
    const normalize = (text: string) =>
      text
        .replaceAll('/tmp/x/', '/etc/mosquitto/portvakt/')
        .replace(/^listener 1234 127\.0\.0\.1$/m, 'listener 8883')
        .replace(/^listener 1235 127\.0\.0\.1$/m, 'listener 8884')
        .replace(/^log_dest stderr$/m, 'log_dest file /var/log/mosquitto/mosquitto.log')
        .replace(/^# deploy.*\n/, '');
    const expected = conf
      .replaceAll('/var/lib/mosquitto/', '/etc/mosquitto/portvakt/')
      .replaceAll('/run/mosquitto/', '/etc/mosquitto/portvakt/');
    expect(normalize(lab)).toBe(expected);
  });
});
