/**
 * The panel's broker link over TLS against Mosquitto: the broker's certificate must chain to the CA the
 * panel pins (no system trust store, no "accept anything"), and a broker that requires client
 * certificates admits the panel only with its certificate.
 */
import { readFileSync } from 'node:fs';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { MqttLink } from '../../../cloud-sync/agent/mqtt-link.ts';
import { FakeClock } from '../../../lib/clock/fake-clock.ts';
import type { Logger } from '../../../lib/log/logger.ts';
import { type MosquittoHandle, startMosquitto } from '../../../scripts/lab/mosquitto.ts';
import { until } from '../../../scripts/lab/until.ts';
import { tempDir } from '../../support/temp-dir.ts';
import { makeTestPki, type TestPki } from '../../support/tls-certs.ts';
import { HUB_PASSWORD, PANEL_PASSWORD } from './broker.ts';

const DEVICE = 'tls-panel';

function warningsLogger(warnings: string[]): Logger {
  const logger: Logger = {
    debug: () => {},
    info: () => {},
    warn: (obj: object | string, msg?: string) => void warnings.push(`${msg} ${JSON.stringify(obj)}`),
    error: (obj: object | string, msg?: string) => void warnings.push(`${msg} ${JSON.stringify(obj)}`),
    child: () => logger,
  };
  return logger;
}

describe('MqttLink over TLS (Mosquitto)', () => {
  let pki: TestPki;
  let broker: MosquittoHandle | undefined;
  let link: MqttLink | undefined;
  beforeAll(() => {
    pki = makeTestPki(tempDir('portvakt-pki-'));
  });
  afterEach(async () => {
    await link?.stop();
    link = undefined;
    await broker?.stop();
    broker = undefined;
  });

  async function tlsBroker(requireCertificate: boolean): Promise<MosquittoHandle> {
    return startMosquitto({
      users: { [DEVICE]: PANEL_PASSWORD, hub: HUB_PASSWORD },
      tls: { caFile: pki.caCert, certFile: pki.serverCert, keyFile: pki.serverKey, requireCertificate },
    });
  }

  function tlsLink(port: number, ca: string, warnings: string[], clientCert = false): MqttLink {
    return new MqttLink({
      deviceId: DEVICE,
      brokerUrl: `mqtts://127.0.0.1:${port}`,
      username: DEVICE,
      password: PANEL_PASSWORD,
      ca: readFileSync(ca),
      ...(clientCert ? { cert: readFileSync(pki.clientCert), key: readFileSync(pki.clientKey) } : {}),
      sessionExpiryS: 3600,
      clock: new FakeClock(),
      logger: warningsLogger(warnings),
      backoff: { random: () => 0 },
    });
  }

  it('connects when the broker certificate chains to the pinned CA', async () => {
    broker = await tlsBroker(false);
    const warnings: string[] = [];
    link = tlsLink(broker.port, pki.caCert, warnings);
    link.start();
    await until(() => link!.isUp(), 'TLS link up');
    expect(warnings).toEqual([]);
  });

  it('refuses a broker whose certificate does not chain to the pinned CA', async () => {
    broker = await tlsBroker(false);
    const warnings: string[] = [];
    link = tlsLink(broker.port, pki.otherCaCert, warnings);
    link.start();
    await until(() => warnings.length > 0, 'a TLS failure warning');
    expect(warnings.join('\n')).toMatch(/certificate/i);
    expect(link.isUp()).toBe(false);
  });

  it('with client certificates required: admitted with its certificate, refused without', async () => {
    broker = await tlsBroker(true);
    const refused: string[] = [];
    const without = tlsLink(broker.port, pki.caCert, refused);
    without.start();
    await until(() => refused.length > 0, 'the refusal without a client certificate');
    expect(without.isUp()).toBe(false);
    await without.stop();

    const warnings: string[] = [];
    link = tlsLink(broker.port, pki.caCert, warnings, true);
    link.start();
    await until(() => link!.isUp(), 'TLS link with a client certificate up');
    expect(warnings).toEqual([]);
  });
});
