/**
 * Installer mode's camera, microphone, speaker and network checks as `npm start` runs the panel (the
 * simulated camera's test picture and 440 Hz tone at volume 0.2, the sim speaker that counts packets, the
 * hub and broker): a JPEG still, a level near −14 dBFS, a tone that reaches the speaker, and the broker
 * connected with config from the hub. The banner shows the installer PIN provisioning generated.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { until } from '../../../scripts/lab/until.ts';
import { panelJson, type Simulator, startSimulator } from '../../../scripts/sim/simulator.ts';
import { api } from '../../support/http.ts';
import { readEvents } from './sse.ts';

describe('installer mode media and network checks in the simulator', () => {
  let sim: Simulator;
  let auth: Record<string, string>;

  beforeAll(async () => {
    sim = await startSimulator();
    const pin = /installer\.html\s+PIN (\d{8})/.exec(sim.output())?.[1];
    expect(pin, 'the banner shows the installer PIN').toBeDefined();
    const entered = await api(sim.panel, 'POST', '/api/v1/installer/session', { pin });
    expect(entered.status).toBe(201);
    auth = { authorization: `Bearer ${entered.body.token}` };
  }, 120_000);
  afterAll(async () => {
    await sim?.stop();
  });

  it('shows the camera still, the microphone level (also live) and plays the speaker tone', async () => {
    const jpeg = await until(
      async () => {
        const res = await fetch(`${sim.panel}/api/v1/installer/camera.jpg`, { headers: auth });
        return res.status === 200 ? Buffer.from(await res.arrayBuffer()) : undefined;
      },
      'a camera still',
      15_000,
      250,
    );
    expect(jpeg.subarray(0, 2)).toEqual(Buffer.from([0xff, 0xd8]));

    // A sine at 0.2 of full scale: peak ≈ −14 dBFS, RMS ≈ −17 dBFS (the 8 kHz leg's resampling aside).
    const level = await until(
      async () => {
        const m = (await api(sim.panel, 'GET', '/api/v1/installer/microphone', undefined, auth)).body;
        return m.available ? m : undefined;
      },
      'a microphone level',
      15_000,
      250,
    );
    expect(level.peakDbfs).toBeGreaterThan(-20);
    expect(level.peakDbfs).toBeLessThan(-8);
    expect(level.rmsDbfs).toBeLessThan(level.peakDbfs);
    const stream = await readEvents(`${sim.panel}/api/v1/installer/stream`, auth);
    try {
      const live = await stream.next('mic-level', 3000);
      expect(live).toMatchObject({ available: true, windowMs: 300 });
    } finally {
      stream.close();
    }

    const packets = async () =>
      ((await panelJson(sim, '/api/v1/sim/media')) as { speaker: { packets: number } }).speaker.packets;
    const before = await packets();
    const played = await api(sim.panel, 'POST', '/api/v1/installer/speaker-test', undefined, auth);
    expect(played.status).toBe(200);
    // 50 packets of 20 ms were sent; the pipeline restarted for G.711 may miss the first few.
    await until(async () => (await packets()) - before >= 30, 'the tone at the speaker', 5000);
  }, 60_000);

  it('refuses the speaker test while a call is on', async () => {
    const bells = (await panelJson(sim, '/api/v1/directory'))['bells'] as { bellId: string; type: string }[];
    const bell = bells.find((b) => b.type === 'separate')!;
    const ring = await api(sim.panel, 'POST', `/api/v1/bells/${bell.bellId}/ring`);
    expect(ring.status).toBeLessThan(300);
    try {
      const refused = await api(sim.panel, 'POST', '/api/v1/installer/speaker-test', undefined, auth);
      expect(refused.status).toBe(409);
      expect(refused.body.error.message).toContain('call');
    } finally {
      await api(sim.panel, 'POST', `/api/v1/calls/${ring.body.callId}/hangup`);
    }
  }, 30_000);

  it('reports the broker connected and the config from the hub', async () => {
    const self = (await api(sim.panel, 'GET', '/api/v1/installer/self-test', undefined, auth)).body;
    expect(self.network.broker).toMatchObject({ configured: true, connected: true });
    expect(self.network.hub.configVersion).toBeGreaterThan(0);
    expect(self.media).toEqual({ intercom: true });
    expect(self.identity.buildingName).toBeTruthy();
  });
});
