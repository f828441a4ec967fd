/**
 * tap_to_relay_p99_ms_8_peers: the card tap of tap-to-relay.ts while a call streams video to 8 app
 * devices, and its ratio to the same panel with no call (tap_to_relay_p99_ratio_8_peers_vs_0).
 *
 * The panel runs here on its FakeClock (tap-to-relay.ts's rig), with the intercom on the sim camera and
 * sync to an embedded broker (panel-broker.ts). One resident has 8 app devices on her bell; they are
 * werift viewers in a separate process (app-device-viewers.ts) that log in over MQTT and answer the
 * panel's offers: the video they get is the early media of a ringing call, nobody accepts. Taps go
 * through the event loop (measureTaps' `viaEventLoop`), so main-thread work the call causes delays them.
 *
 * A ringing call ends unanswered after its ring timeout (at most 300 s), and the FakeClock runs a pulse
 * (1 s, the shortest allowed) per tap: so taps come in rounds of ≤ 250 per call, with rounds without a
 * call in between, interleaved so that machine noise weighs on both alike.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { PanelConfigInput } from '../../device/config/schema.ts';
import { demoBuilding } from '../../device/sim/demo-building.ts';
import { DEMO_DIRECTORY } from '../../device/sim/demo-directory.ts';
import { until } from '../lab/until.ts';
import { ReceiverProcess } from './media-receiver-client.ts';
import type { ReceiverPeerStats } from './media-receivers.ts';
import { startPanelBroker } from './panel-broker.ts';
import { type BenchLine, round, summarize } from './stats.ts';
import { measureTaps, startTapRig, type TapRig, type TapSamples, tapLine } from './tap-to-relay.ts';

const PEERS = 8;
const BELL = DEMO_DIRECTORY.pictureBell;
const RESIDENT = 'resident-01';
const devices = Array.from({ length: PEERS }, (_, i) => ({
  id: `bench-viewer-${i + 1}`,
  password: `bench-viewer-password-${i + 1}`,
}));

/** The demo building, with this bench's app devices as the only ones and the longest ring time. */
function building() {
  const b = demoBuilding();
  return {
    ...b,
    bells: b.bells?.map((bell) => (bell.id === BELL ? { ...bell, ringTimeoutS: 300 } : bell)),
    appDevices: devices.map((d) => ({ id: d.id, residentId: RESIDENT, name: d.id })),
  };
}

async function panelPost(rig: TapRig, path: string): Promise<Record<string, unknown>> {
  const { host, port } = rig.panel.apiAddress();
  const res = await fetch(`http://${host}:${port}${path}`, { method: 'POST' });
  const body = (await res.json()) as Record<string, unknown>;
  if (!res.ok) throw new Error(`POST ${path}: ${res.status} ${JSON.stringify(body)}`);
  return body;
}

/** Video packets each of the 8 viewers has received in the current call (missing: no viewer). */
async function videoPackets(viewers: ReceiverProcess): Promise<number[]> {
  const stats: Record<string, ReceiverPeerStats> = await viewers.stats();
  return devices.map((d) => (stats[d.id]?.state === 'connected' ? (stats[d.id]?.videoPackets ?? 0) : 0));
}

/** Rings the bell, waits until all 8 get video, runs the taps, checks video kept coming, hangs up. */
async function tapsDuringCall(
  rig: TapRig,
  viewers: ReceiverProcess,
  taps: number,
): Promise<{ samples: TapSamples; packetsPerS: number }> {
  const { callId } = (await panelPost(rig, `/api/v1/bells/${BELL}/ring`)) as { callId: string };
  try {
    const before = await until(
      async () => {
        const packets = await videoPackets(viewers);
        return packets.every((p) => p > 0) && packets;
      },
      `video at all ${PEERS} app devices`,
      20_000,
    );
    const t0 = performance.now();
    const samples = await measureTaps(rig, { taps, warmup: 10, viaEventLoop: true });
    const seconds = (performance.now() - t0) / 1000;
    const after = await videoPackets(viewers);
    const perS = after.map((n, i) => (n - before[i]!) / seconds);
    // The sim camera sends at least a packet a frame (30/s): a viewer far below that lost the video.
    if (perS.some((p) => p < 5))
      throw new Error(`video stalled at an app device during the taps: ${perS.map((p) => round(p, 1))}`);
    return { samples, packetsPerS: Math.min(...perS) };
  } finally {
    await panelPost(rig, `/api/v1/calls/${callId}/hangup`).catch(() => undefined);
    await until(async () => (await videoPackets(viewers)).every((p) => p === 0), 'the viewers to close');
  }
}

export async function benchTapEightPeers(
  options: { rounds?: number; tapsPerRound?: number } = {},
): Promise<BenchLine[]> {
  const rounds = options.rounds ?? 6;
  const tapsPerRound = options.tapsPerRound ?? 250;
  const broker = await startPanelBroker('demo-panel', devices);
  let rig: TapRig | undefined;
  let viewers: ReceiverProcess | undefined;
  let ticker: NodeJS.Timeout | undefined;
  try {
    rig = await startTapRig({
      edit: (config): PanelConfigInput => ({
        ...config,
        doors: config.doors.map((d, i) => (i === 0 ? { ...d, pulseMs: 1000 } : d)),
        sync: broker.sync,
      }),
      building: building(),
    });
    // Fake time never runs slower than real time: the panel's own timers (snapshot wait, retries) run.
    const clock = rig.clock;
    ticker = setInterval(() => clock.advance(10), 10);
    await until(() => broker.isOnline(), 'the panel to come online at the broker', 20_000);
    // The taps below run the fake clock a second per tap: started then, the media process would miss its
    // start-up deadline (fake time) and the calls would go out without media. The panel answers this
    // once the intercom has started.
    const { host, port } = rig.panel.apiAddress();
    const media = (await (await fetch(`http://${host}:${port}/api/v1/sim/media`)).json()) as {
      unavailable?: boolean;
    };
    if (media.unavailable) throw new Error('the panel started without its media process');
    viewers = await ReceiverProcess.start();
    await viewers.appDevices({ brokerUrl: broker.url, panelId: rig.config.panel.id, devices });
    const zero: TapSamples = { latencies: [], waits: [] };
    const eight: TapSamples = { latencies: [], waits: [] };
    const add = (to: TapSamples, from: TapSamples) => {
      to.latencies.push(...from.latencies);
      to.waits.push(...from.waits);
    };
    let packetsPerS = Number.POSITIVE_INFINITY;
    for (let r = 0; r < rounds; r++) {
      add(
        zero,
        await measureTaps(rig, { taps: tapsPerRound, warmup: r === 0 ? 100 : 10, viaEventLoop: true }),
      );
      const during = await tapsDuringCall(rig, viewers, tapsPerRound);
      add(eight, during.samples);
      packetsPerS = Math.min(packetsPerS, during.packetsPerS);
      await sleep(200);
    }
    const line = tapLine(
      'tap_to_relay_p99_ms_8_peers',
      eight.latencies,
      `as tap_to_relay_p99_ms, delivered through the event loop, while ${PEERS} app devices get video`,
    );
    const p99 = (xs: number[]) => summarize(xs).p99;
    return [
      {
        ...line,
        loop_wait_p99_ms: round(p99(eight.waits)),
        min_video_packets_per_s: round(packetsPerS, 1),
      },
      {
        metric: 'tap_to_relay_p99_ratio_8_peers_vs_0',
        value: round(p99(eight.latencies) / p99(zero.latencies), 2),
        unit: 'ratio',
        zero_peers_p99_ms: round(p99(zero.latencies)),
        zero_peers_loop_wait_p99_ms: round(p99(zero.waits)),
        n: zero.latencies.length,
        note: `same panel, rounds of ${tapsPerRound} taps with and without the call, interleaved`,
      },
    ];
  } finally {
    await viewers?.stop();
    await rig?.stop();
    clearInterval(ticker);
    await broker.stop();
  }
}

if (import.meta.main) {
  for (const line of await benchTapEightPeers()) console.log(JSON.stringify(line));
}
