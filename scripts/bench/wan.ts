/**
 * The door phone across the WAN lab (scripts/lab/wan/): the panel's MediaEngine behind NAT router A,
 * headless Chromium behind symmetric NAT router B, coturn in between with the hub's REST credentials,
 * signaling held for the lab's one-way time as through a broker on the "internet".
 *  - wan_ring_to_first_frame_p50_ms: the panel's offer requested (the ring) → Chromium's first frame
 *    shown, 40 ms RTT and 1 % loss end to end, product media engine (spare peers as shipped), trickle
 *    ICE both ways.
 *  - wan_first_frame_ratio_vs_bare: that over the same figure of a bare werift → Chromium call on the
 *    same lab, calls alternating: bare-peer.ts, the simplest correct werift call (werift's own
 *    complete offer, gathered at the ring; the same STUN and TURN servers as the product, so werift
 *    never waits for its default STUN server, unreachable here; the app's mDNS candidates not looked
 *    up). Its header says why each of these is needed for a call that works, and why not trickle:
 *    werift cannot trickle an offer with TURN reliably without the product's workaround. Both panels
 *    get coturn as STUN and TURN server, as deploy/turn/README.md configures the hub for the app.
 *  - wan_video_freeze_ms_per_min: one 60 s call at 2 % loss; Chromium's totalFreezesDuration per minute.
 * Needs root (namespaces); runs in the lab namespace like the other lab groups. ~2 minutes.
 */
import { iceServersFor, turnSettingsSchema } from '../../cloud-sync/hub/residents/turn-credentials.ts';
import { startCoturn } from '../lab/wan/coturn.ts';
import { type LinkShape, WanLab } from '../lab/wan/topology.ts';
import { type IceServerInit, WanApp, WanPanelMedia } from '../lab/wan/wan-call.ts';
import { type BenchLine, round, summarize } from './stats.ts';

const SECRET = 'bench-turn-secret-0123456789';
const CALLS = 8;
/** 40 ms RTT: 10 ms each way on each of the two wan links. */
const DELAY_MS = 10;
const SIGNALING_DELAY_MS = 2 * DELAY_MS;
/** Loss per wan link and direction: the two links make the end-to-end figure. */
const link = (endToEndLossPct: number): LinkShape => ({
  delayMs: DELAY_MS,
  jitterMs: 1,
  lossPct: endToEndLossPct / 2,
});
const FREEZE_CALL_S = 60;

export async function benchWan(): Promise<BenchLine[]> {
  const lab = await WanLab.create({ links: { panel: link(1), app: link(1) } });
  const network = (lossPct: number) =>
    `WAN lab: 40 ms RTT, ${lossPct} % loss, jitter 1 ms; panel behind NAT, app behind symmetric NAT; TURN relay (coturn)`;
  const apps: WanApp[] = [];
  const panels: WanPanelMedia[] = [];
  const turn = await startCoturn(lab, SECRET);
  try {
    // coturn answers STUN on its TURN port: both the panel (product and bare) and the app get it as
    // their STUN server too, as deploy/turn/README.md configures the hub.
    const stunUrl = turn.url.replace(/^turn:/, 'stun:').replace(/\?.*$/, '');
    const settings = turnSettingsSchema.parse({ urls: [stunUrl, turn.url], secret: SECRET, ttlS: 3600 });
    const panelServers = iceServersFor(settings, 'panel-bench', Date.now()).iceServers.map((s) => ({
      ...s,
      urls: s.urls[0]!,
    }));
    const appServers: IceServerInit[] = iceServersFor(settings, 'app-bench', Date.now()).iceServers;
    const product = await WanPanelMedia.start(lab, panelServers, { sparePeers: 4 });
    panels.push(product);
    const bare = await WanPanelMedia.start(lab, panelServers, { bare: true });
    panels.push(bare);
    const app = await WanApp.start(lab);
    apps.push(app);

    const productMs: number[] = [];
    const bareMs: number[] = [];
    for (let i = 0; i < CALLS + 1; i++) {
      for (const [panel, samples, name] of [
        [product, productMs, 'p'],
        [bare, bareMs, 'b'],
      ] as const) {
        const peerId = `wan-${name}-${i}`;
        const ms = await app.call(panel, peerId, appServers, { signalingDelayMs: SIGNALING_DELAY_MS });
        await app.hangUp(panel, peerId);
        if (i > 0) samples.push(ms); // the first of each warms up (page, TURN, encoder)
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    }
    const p = summarize(productMs);
    const b = summarize(bareMs);

    lab.shape('panel', link(2));
    lab.shape('app', link(2));
    await app.call(product, 'wan-freeze', appServers, { signalingDelayMs: SIGNALING_DELAY_MS });
    const start = await app.stats();
    await new Promise((resolve) => setTimeout(resolve, FREEZE_CALL_S * 1000));
    const end = await app.stats();
    await app.hangUp(product, 'wan-freeze');
    const frozenMs = (end.totalFreezesDurationS - start.totalFreezesDurationS) * 1000;
    return [
      {
        metric: 'wan_ring_to_first_frame_p50_ms',
        value: round(p.p50, 1),
        unit: 'ms',
        p99: round(p.p99, 1),
        n: p.n,
        network: network(1),
        path: 'MediaEngine (4 spare peers, trickle ICE) → Chromium; signaling held 20 ms each way (broker on the inet)',
      },
      {
        metric: 'wan_first_frame_ratio_vs_bare',
        value: round(p.p50 / b.p50, 3),
        unit: 'ratio',
        target: 1.3,
        bare_p50_ms: round(b.p50, 1),
        network: network(1),
        bare: 'one werift RTCPeerConnection, its own complete offer gathered at the ring, the same STUN+TURN servers, mDNS candidates skipped; same Chromium page and signaling delay',
      },
      {
        metric: 'wan_video_freeze_ms_per_min',
        value: round(frozenMs / (FREEZE_CALL_S / 60), 1),
        unit: 'ms/min',
        target: 500,
        freezes: end.freezeCount - start.freezeCount,
        frames_decoded: end.framesDecoded - start.framesDecoded,
        nacks: end.nackCount - start.nackCount,
        plis: end.pliCount - start.pliCount,
        packets_lost_after_retransmission: end.packetsLost - start.packetsLost,
        call_s: FREEZE_CALL_S,
        network: network(2),
        pair: `${end.localCandidateType}/${end.remoteCandidateType}`,
      },
    ];
  } finally {
    for (const app of apps) await app.close().catch(() => undefined);
    for (const panel of panels) await panel.stop().catch(() => undefined);
    await turn.stop();
    await lab.destroy();
  }
}
