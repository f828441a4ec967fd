/**
 * The broker dies (SIGKILL) while a panel streams events, panels keep deciding at the door while it is
 * down, and it comes back on the same port. Whatever the broker kept or lost, the hub must end up with
 * the panel's audit log exactly: every event once, none missing, the in-order stream position at the end.
 */
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { expect } from 'vitest';
import { type PanelProcess, waitFor } from '../../support/panel-process.ts';
import { hubEvents, type Lab, panelEvents, tap } from './harness.ts';

const TAPS_BEFORE_KILL = 100;
const TAPS_WHILE_DOWN = 40;
const TAPS_AFTER_RESTART = 100;

export async function crashMidStream(lab: Lab, panel: PanelProcess, opts: { waitForAutosave: boolean }) {
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
    await waitFor(() => taps >= TAPS_BEFORE_KILL, 20_000, 'taps before the kill');
    // With persistence, the restored db then holds sessions and queued messages from mid-stream.
    if (opts.waitForAutosave) await waitForAutosaveAfter(lab, Date.now());
    await lab.broker.kill('SIGKILL');
    const killedAt = taps;
    await waitFor(() => taps >= killedAt + TAPS_WHILE_DOWN, 20_000, 'taps while the broker is down');
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
  await waitFor(
    () => lab.hub.store.panels.view('p1').eventPosition >= last,
    40_000,
    `hub stream position to reach seq ${last}`,
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

/** Mosquitto autosaves on whole-second ticks (see scripts/lab/mosquitto.ts): wait for a save after `since`. */
async function waitForAutosaveAfter(lab: Lab, since: number): Promise<void> {
  const db = join(lab.broker.dir, 'mosquitto.db');
  await waitFor(() => existsSync(db) && statSync(db).mtimeMs > since, 10_000, 'a mosquitto autosave');
}
