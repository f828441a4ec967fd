/**
 * Pairing in the panel process: for an unpaired panel (a `pairing` section, no `sync`), the pairing
 * client as a module, the screen's view of it, and what happens with the kit — written as
 * provisioned.yaml (config/layered.ts), then `onPaired`, which restarts the panel into the paired state
 * (device/cli.ts). A paired panel (or one without `pairing`) only answers the screen's question.
 */
import type { PanelKit, PanelPairingStatus } from '../../cloud-sync/protocol/pairing.ts';
import type { Clock } from '../../lib/clock/clock.ts';
import type { Logger } from '../../lib/log/logger.ts';
import { dataDirOf, writeProvisioned } from '../config/layered.ts';
import type { PanelConfig } from '../config/schema.ts';
import type { Module } from '../wiring/modules.ts';
import { HttpsHubPairing, type HubPairingPort } from './hub-client.ts';
import { PairingClient } from './pairing-client.ts';
import { PairingQr } from './qr.ts';

/** The local API's view (device/api/routes/pairing-routes.ts). */
export interface PairingView {
  status(): PanelPairingStatus;
  /** The QR of the code on screen; undefined while there is none. */
  qrSvg(): Promise<string | undefined>;
  /** Whether the panel waits to be paired (the visitor page's address leads to the pairing page). */
  unpaired(): boolean;
}

export interface PairingDeps {
  clock: Clock;
  logger: Logger;
  /** The kit is saved: restart into the paired state. */
  onPaired(kit: PanelKit): void;
  /** Tests talk to a fake hub; otherwise https to `pairing.hubUrl`. */
  hub?: HubPairingPort;
  software?: string;
}

export function createPairing(
  config: PanelConfig,
  deps: PairingDeps,
): { view: PairingView; module: Module | undefined } {
  const pairing = config.pairing;
  if (config.sync || !pairing) {
    const status: PanelPairingStatus = config.sync
      ? { state: 'paired', ...(pairing ? { hub: pairing.hubUrl } : {}) }
      : { state: 'unpaired' };
    return {
      view: { status: () => status, qrSvg: async () => undefined, unpaired: () => false },
      module: undefined,
    };
  }
  const dataDir = dataDirOf(config);
  const client = new PairingClient({
    hub: deps.hub ?? new HttpsHubPairing(pairing),
    clock: deps.clock,
    logger: deps.logger,
    wiredDoors: config.doors.map((d) => ({ id: d.id, name: d.name })),
    software: deps.software,
    hubUrl: pairing.hubUrl,
    onKit: (kit) => {
      const file = writeProvisioned(dataDir, kit);
      deps.logger.info({ file, panelId: kit.panel.id }, 'kit saved; restarting paired');
      deps.onPaired(kit);
    },
  });
  const qr = new PairingQr();
  return {
    view: {
      status: () => client.status(),
      qrSvg: async () => {
        const code = client.currentCode();
        return code === undefined ? undefined : qr.svg(pairing.hubUrl, code);
      },
      unpaired: () => client.status().state !== 'paired',
    },
    module: { name: 'pairing', critical: false, start: () => client.start(), stop: () => client.stop() },
  };
}
