/**
 * A door-phone call across the WAN lab (scripts/lab/wan/): the panel's real media engine behind NAT
 * router A, headless Chromium behind symmetric NAT router B, coturn on the "internet" with REST API
 * credentials made the way the hub makes them, 40 ms RTT and 2 % loss on the path. The call must
 * connect through the relay (no direct path exists), decode video, and recover from loss (NACK
 * retransmission and keyframe requests) without long freezes. The panel runs with spare peers as shipped
 * (a complete offer, the app trickling); the offer made at ring time when no spare is left, trickled by
 * the panel too, fails too often to test yet: README "Calls on real networks", known issue.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { iceServersFor, turnSettingsSchema } from '../../cloud-sync/hub/residents/turn-credentials.ts';
import { type LabTurn, startCoturn } from '../../scripts/lab/wan/coturn.ts';
import { WanLab } from '../../scripts/lab/wan/topology.ts';
import { WanApp, WanPanelMedia } from '../../scripts/lab/wan/wan-call.ts';

const SECRET = 'lab-turn-secret-0123456789';
/** Loss split over the four one-way hops of the path (2 % end to end, each way). */
const LOSS_PER_LINK_PCT = 1;

describe('a call across two NATs through TURN, 40 ms RTT and 2 % loss', () => {
  let lab: WanLab;
  let turn: LabTurn;
  let panel: WanPanelMedia;
  let app: WanApp;

  beforeAll(async () => {
    lab = await WanLab.create({
      links: {
        panel: { delayMs: 10, jitterMs: 1, lossPct: LOSS_PER_LINK_PCT },
        app: { delayMs: 10, jitterMs: 1, lossPct: LOSS_PER_LINK_PCT },
      },
    });
    turn = await startCoturn(lab, SECRET);
  }, 60_000);

  afterAll(async () => {
    await app?.close().catch(() => undefined);
    await panel?.stop().catch(() => undefined);
    await turn?.stop();
    await lab?.destroy();
  });

  it('connects through the relay, shows video and keeps it going under loss', async () => {
    const settings = turnSettingsSchema.parse({ urls: [turn.url], secret: SECRET, ttlS: 600 });
    // The panel and the app each get their own credentials (the panel's would come from its config).
    const panelServers = iceServersFor(settings, 'panel-lab', Date.now()).iceServers.map((s) => ({
      ...s,
      urls: s.urls[0]!,
    }));
    const appServers = iceServersFor(settings, 'app-lab-1', Date.now()).iceServers;
    panel = await WanPanelMedia.start(lab, panelServers, { sparePeers: 4 });
    app = await WanApp.start(lab);

    // KNOWN ISSUE (README "Calls on real networks"): now and then a call across the lossy lab never gets
    // past ICE at the panel (werift 0.25.2), with ICE connected at the browser. The test rings again
    // (a new call, as a visitor would) at most twice, and says how many rings it took.
    let peerId = '';
    let ringToFirstFrameMs = 0;
    const failures: string[] = [];
    for (let attempt = 1; attempt <= 3 && !ringToFirstFrameMs; attempt++) {
      peerId = `call-wan-${attempt}:app-lab-1`;
      try {
        ringToFirstFrameMs = await app.call(panel, peerId, appServers, { firstFrameTimeoutMs: 12_000 });
      } catch (err) {
        failures.push(String(err));
        await app.hangUp(panel, peerId);
      }
    }
    if (failures.length) console.warn(`wan call: ${failures.length} ring(s) without a picture:`, failures);
    expect(ringToFirstFrameMs, failures.join('\n')).toBeGreaterThan(0);
    // Fifteen seconds of video under loss, then Chromium's own account of it.
    await new Promise((resolve) => setTimeout(resolve, 15_000));
    const stats = await app.stats();
    const context = JSON.stringify({ ringToFirstFrameMs, stats, turnLog: turn.log().slice(-1500) });
    // No direct path exists (symmetric NAT on the app side): one end of the pair is a relay.
    expect([stats.localCandidateType, stats.remoteCandidateType], context).toContain('relay');
    // The sim camera sends ~30 frames a second: nearly all of them decoded despite the loss.
    expect(stats.framesDecoded, context).toBeGreaterThan(400);
    // The loss is real, and retransmission repairs it (NACKs sent).
    expect(stats.nackCount, context).toBeGreaterThan(0);
    // Recovered, not frozen: all freezes together stay under a second, so none lasted longer. (The
    // per-minute figure against its 500 ms target is the bench's: a 15 s window is too short for it.)
    expect(stats.totalFreezesDurationS, context).toBeLessThan(1);
    await app.hangUp(panel, peerId);
  }, 90_000);
});
