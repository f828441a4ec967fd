/**
 * The broker dies (SIGKILL) while a panel streams events, panels keep deciding at the door while it is
 * down, and it comes back on the same port. Whatever the broker kept or lost, the hub must end up with
 * the panel's audit log exactly: every event once, none missing, the in-order stream position at the end.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { until } from '../../../scripts/lab/until.ts';
import { waitForAutosaveAfter } from '../../support/mosquitto-autosave.ts';
import type { PanelProcess } from '../../support/panel-process.ts';
import {
  hubEvents,
  type Lab,
  type LabOptions,
  panelEvents,
  startLab,
  startSyncPanel,
  tap,
} from './harness.ts';

/**
 * The scenario as a test file runs it, one file per broker setting so that they run in parallel. With
 * persistence it waits for an autosave before the kill, so that the restored db holds mid-stream state.
 */
export function describeBrokerCrash(
  title: string,
  broker: Pick<LabOptions, 'persistence' | 'extraConfig'>,
): void {
  describe(title, () => {
    let lab: Lab;
    let panel: PanelProcess;

    beforeAll(async () => {
      lab = await startLab({ panelIds: ['p1'], ...broker });
      panel = await startSyncPanel(lab.panels['p1']!);
      await until(() => lab.hub.store.panels.view('p1').online, 'p1 online at the hub', 10_000);
    });
    afterAll(async () => {
      await panel?.stop();
      await lab?.stop();
    });

    it('the hub ends with every event of the panel exactly once', { timeout: 60_000 }, async () => {
      const port = lab.broker.port;
      const { taps } = await crashMidStream(lab, panel, { waitForAutosave: broker.persistence === true });
      expect(lab.broker.port).toBe(port);
      expect(taps).toBeGreaterThanOrEqual(240);
    });
  });
}

const TAPS_BEFORE_KILL = 100;
const TAPS_WHILE_DOWN = 40;
const TAPS_AFTER_RESTART = 100;

async function crashMidStream(lab: Lab, panel: PanelProcess, opts: { waitForAutosave: boolean }) {
  let taps = 0;
  let stopAt = Number.POSITIVE_INFINITY;
  const tapping = (async () => {
    while (taps < stopAt) {
      // Unknown cards: one access.denied each and no relay pulse, so the log is exactly the taps.
      const res = await tap(panel, `04${(0xa00000 + taps).toString(16).toUpperCase()}`);
      if (res.status !== 200) throw new Error(`tap failed: ${JSON.stringify(res.body)}`);
      taps++;
      // Paced so that the stream is still running when the broker dies, not only the backlog after it.
      await sleep(3);
    }
  })();
  try {
    await until(() => taps >= TAPS_BEFORE_KILL, 'taps before the kill', 20_000);
    // With persistence, the restored db then holds sessions and queued messages from mid-stream.
    if (opts.waitForAutosave) await waitForAutosaveAfter(lab.broker, Date.now());
    await lab.broker.kill('SIGKILL');
    const killedAt = taps;
    await until(() => taps >= killedAt + TAPS_WHILE_DOWN, 'taps while the broker is down', 20_000);
    await lab.broker.restart();
    stopAt = taps + TAPS_AFTER_RESTART;
  } catch (err) {
    stopAt = 0;
    await tapping.catch(() => {});
    throw err;
  }
  await tapping;

  const local = await panelEvents(panel);
  const last = local.at(-1)!.seq;
  await until(
    () => lab.hub.store.panels.view('p1').eventPosition >= last,
    `hub stream position to reach seq ${last}`,
    40_000,
  );
  const stored = hubEvents(lab.hub, 'p1');

  // The panel's own log is the reference: contiguous from 1, nothing dropped on its side.
  expect(local.map((e) => e.seq)).toEqual(local.map((_, i) => i + 1));
  expect(local.filter((e) => e.type === 'access.denied').length).toBe(taps);
  // Exactly once: the hub stores by (panel, id), so a duplicate would show as a second id or seq.
  expect(new Set(stored.map((e) => e.id)).size).toBe(stored.length);
  expect(new Set(stored.map((e) => e.seq)).size).toBe(stored.length);
  const bySeq = [...stored].sort((a, b) => a.seq - b.seq);
  const view = (e: { id: string; seq: number; ts: number; type: string; data: unknown }) => ({
    id: e.id,
    seq: e.seq,
    ts: e.ts,
    type: e.type,
    data: e.data,
  });
  expect(bySeq.map(view)).toEqual(local.map(view));
  return { taps, events: local.length };
}
