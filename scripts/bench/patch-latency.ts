/**
 * patch_to_effective_p50_ms / _p99_ms: how long a card revocation takes to become effective at the door.
 *
 * Path: the admin API call `POST /api/v1/cards/{id}/revoke` on the real hub (its own process) → the hub
 * records and publishes a one-card `config/patch` on its fast path (the full recompile and the retained
 * snapshot follow 300 ms later) → Mosquitto → the panel's MqttLink → SyncAgent → StoreConfigReplica commits the patch → the next access
 * decision for that card (AccessDecider, the function the card-tap path calls) is denied.
 *
 * Method: t0 is taken just before the HTTP request is sent. The replica is wrapped so that, right after
 * each commit (still inside the agent's synchronous message handling), one decision for the revoked card
 * runs; the first denied decision is t1. No polling, so the measurement adds no event-loop load to the
 * agent it measures. Before the next revocation the bench waits until the agent has also handled the
 * retained snapshot the hub publishes with every change, so samples do not queue behind each other.
 *
 * The building is the same 10,000-resident building as snapshot_apply_ms_10k: its size is what the hub
 * recompiles after every change, which the fast path keeps off the revocation's way.
 */
import { AccessDecider, readerDoorsFromConfig } from '../../device/access/decide.ts';
import { uidHashFromConfig } from '../../device/access/uid-hash.ts';
import { SystemClock } from '../../lib/clock/clock.ts';
import { until } from '../lab/until.ts';
import { BUILDING_10K, benchCardId, benchCardUid, type HubBuildingSize } from './hub-building.ts';
import { type BenchLine, round, summarize } from './stats.ts';
import { startSyncLab, within } from './sync-lab.ts';

/** The version of a config/desired payload, read without parsing megabytes of JSON a second time. */
const snapshotVersion = (payload: Buffer): number =>
  Number(/"version":(\d+)/.exec(payload.subarray(0, 200).toString())?.[1] ?? 0);

const SETTLE_MS = 250;

export async function benchPatchLatency(
  options: { revocations?: number; warmup?: number; building?: HubBuildingSize } = {},
): Promise<BenchLine[]> {
  const revocations = options.revocations ?? 200;
  const warmup = options.warmup ?? 5;
  const building = options.building ?? BUILDING_10K;
  const lab = await startSyncLab({ building });
  try {
    let snapshotHandled = 0;
    lab.onHandled((leaf, payload) => {
      if (leaf === 'config/desired') snapshotHandled = Math.max(snapshotHandled, snapshotVersion(payload));
    });
    lab.connect();
    await until(() => lab.replica.version() > 0, 'the first snapshot', 120_000);

    const readerId = lab.config.readers.find((r) => r.doors.includes('main-entrance'))!.id;
    const decider = new AccessDecider({
      store: lab.panel.store!,
      clock: new SystemClock(),
      readerDoors: readerDoorsFromConfig(lab.config.readers),
      uidHash: uidHashFromConfig(lab.config),
      repeatTapWindowMs: 0,
    });
    let pending: { uid: string; t0: number; done: (ms: number) => void } | undefined;
    lab.replica.onApplied = () => {
      if (!pending || decider.decide(readerId, pending.uid).granted) return;
      const { t0, done } = pending;
      pending = undefined;
      done(performance.now() - t0);
    };

    const samples: number[] = [];
    const responses: number[] = [];
    for (let i = 0; i < warmup + revocations; i++) {
      // Each resident's first card; every resident may use the main entrance at any time.
      const card = i * building.cardsPerResident;
      const uid = benchCardUid(card);
      if (!decider.decide(readerId, uid).granted)
        throw new Error(`card ${card} is not granted before revoking`);
      let t0 = 0;
      const effective = new Promise<number>((resolve) => {
        t0 = performance.now();
        pending = { uid, t0, done: resolve };
      });
      const response = lab.hubApi('POST', `/api/v1/cards/${benchCardId(card)}/revoke`);
      const ms = await within(effective, 30_000, `revocation ${i} to take effect`);
      const res = await response;
      if (!res.ok) throw new Error(`revoke answered ${res.status}: ${await res.text()}`);
      const responseMs = performance.now() - t0;
      const version = lab.replica.version();
      await until(() => snapshotHandled >= version, `the retained snapshot of version ${version}`, 30_000);
      // Let the hub finish the recompile that follows every change (and its garbage collection) before
      // the next revocation: an administrator's changes are seconds apart, not back to back.
      await new Promise((r) => setTimeout(r, SETTLE_MS));
      if (i >= warmup) {
        samples.push(ms);
        responses.push(responseMs);
      }
    }
    const s = summarize(samples);
    const r = summarize(responses);
    const common = {
      n: s.n,
      residents: building.residents,
      cards: building.residents * building.cardsPerResident,
      api_response_p50_ms: round(r.p50, 1),
    };
    return [
      {
        metric: 'patch_to_effective_p50_ms',
        value: round(s.p50, 1),
        unit: 'ms',
        ...common,
        target: 20,
        note: 'hub API revoke -> hub process -> Mosquitto -> panel agent commits the patch -> decision denies',
      },
      {
        metric: 'patch_to_effective_p99_ms',
        value: round(s.p99, 1),
        unit: 'ms',
        max: round(s.max, 1),
        ...common,
        target: 100,
      },
    ];
  } finally {
    await lab.stop();
  }
}

if (import.meta.main) {
  const count = (name: string) => {
    const arg = process.argv.find((a) => a.startsWith(`--${name}=`));
    return arg ? Number(arg.split('=')[1]) : undefined;
  };
  const revocations = count('revocations');
  const warmup = count('warmup');
  for (const line of await benchPatchLatency({
    ...(revocations !== undefined ? { revocations } : {}),
    ...(warmup !== undefined ? { warmup } : {}),
  }))
    console.log(JSON.stringify(line));
}
