/**
 * The phone fallback's end-to-end rig: a SIP edge (Kamailio, shipped cfg, lab database) and the real
 * panel in this process (sim GPIO and camera, the media process, real time) with `intercom.phone`
 * pointing at the edge, on the demo building plus:
 *  - `bell-phone-only`: Johan Ek (resident-06), no app device, phone PHONE_ONLY;
 *  - `bell-erik`: Erik Berg with his app device, and a phone number APP_AND_PHONE that must not ring;
 *  - `bell-flat-2002` (sequential): Lars on the app for 5 s, then Erik N's step by phone (STEP_PHONE).
 * Each number is allowed for the panel at the edge and registered by a phone the test starts.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validateConfig } from '../../device/config/load.ts';
import { Panel } from '../../device/main.ts';
import { demoBuilding } from '../../device/sim/demo-building.ts';
import { demoConfig } from '../../device/sim/demo-config.ts';
import { simGpioOf } from '../../device/sim/sim-hardware.ts';
import type { BuildingSnapshotInput } from '../../device/store/snapshot.ts';
import { silentLogger } from '../../lib/log/logger.ts';
import type { SipEdgeHandle } from '../../scripts/lab/sip-edge.ts';
import { PANEL_PASSWORD, PANEL_USER, startLabEdge } from './sip-lab.ts';

export const PHONE_ONLY = '+46701234506';
export const APP_AND_PHONE = '+46701234502';
export const STEP_PHONE = '+46701234512';
export const PHONE_PASSWORD = 'lab-phone-secret';
const RELAY = 'main-entrance.relay';

function building(): BuildingSnapshotInput {
  const b = demoBuilding();
  const phones: Record<string, string> = {
    'resident-06': PHONE_ONLY,
    'resident-02': APP_AND_PHONE,
    'resident-12': STEP_PHONE,
  };
  return {
    ...b,
    residents: b.residents?.map((r) => (phones[r.id] ? { ...r, phone: phones[r.id] } : r)),
    bells: [
      ...(b.bells ?? []).map((bell) => (bell.id === 'bell-flat-2002' ? { ...bell, ringTimeoutS: 60 } : bell)),
      {
        id: 'bell-phone-only',
        unitId: 'flat-3002',
        type: 'separate',
        residentId: 'resident-06',
        displayText: 'Johan Ek',
        doorId: 'main-entrance',
      },
    ],
    bellMembers: (b.bellMembers ?? []).map((m) =>
      m.id === 'member-2002-lars'
        ? { ...m, ringS: 5 }
        : m.id === 'member-2002-erik'
          ? { ...m, via: 'phone' as const }
          : m,
    ),
  };
}

export interface PhonePanelRig {
  edge: SipEdgeHandle;
  panel: Panel;
  ring(bellId: string): Promise<{ callId: string }>;
  hangUp(callId: string): Promise<void>;
  /** What the panel page shows: GET /api/v1/call. */
  callState(): Promise<Record<string, unknown>>;
  /** Times the main entrance relay was energized so far. */
  relayPulses(): number;
  /** Audit rows of one call, in order. */
  callRows(callId: string): { type: string; data: Record<string, unknown> }[];
  stop(): Promise<void>;
}

export async function startPhonePanel(): Promise<PhonePanelRig> {
  const edge = await startLabEdge();
  for (const number of [PHONE_ONLY, APP_AND_PHONE, STEP_PHONE]) {
    edge.addSubscriber(number, PHONE_PASSWORD, 'phone');
    edge.addRoute(PANEL_USER, number);
  }
  const dir = mkdtempSync(join(tmpdir(), 'portvakt-phone-panel-'));
  const input = demoConfig({
    storePath: join(dir, 'panel.db'),
    port: 0,
    installerToken: 'phone-installer-0000000',
  });
  const config = validateConfig({
    ...input,
    intercom: {
      ...input.intercom,
      phone: { edgeUrl: edge.wsUrl, domain: edge.domain, username: PANEL_USER, password: PANEL_PASSWORD },
    },
  });
  const panel = new Panel({ config, logger: silentLogger });
  try {
    await panel.start();
    panel.store!.buildingData.replaceBuildingData(building());
  } catch (err) {
    await panel.stop();
    await edge.stop();
    throw err;
  }
  const api = async (method: string, path: string) => {
    const { host, port } = panel.apiAddress();
    const res = await fetch(`http://${host}:${port}${path}`, { method });
    const body = (await res.json()) as Record<string, unknown>;
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(body)}`);
    return body;
  };
  return {
    edge,
    panel,
    ring: async (bellId) => (await api('POST', `/api/v1/bells/${bellId}/ring`)) as { callId: string },
    hangUp: async (callId) => void (await api('POST', `/api/v1/calls/${callId}/hangup`)),
    callState: () => api('GET', '/api/v1/call'),
    relayPulses: () =>
      simGpioOf(panel.gpio!)!
        .relays()
        .find((r) => r.name === RELAY)?.energizeCount ?? 0,
    callRows: (callId) =>
      panel
        .audit!.after(0, 100_000)
        .filter((e) => (e.data as Record<string, unknown>)['callId'] === callId)
        .map((e) => ({ type: e.type, data: e.data as Record<string, unknown> })),
    stop: async () => {
      await panel.stop();
      await edge.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
