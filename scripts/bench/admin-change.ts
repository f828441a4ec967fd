/**
 * admin_change_to_panel_p99_ms: how long an administrator's change takes to show at the panel.
 *
 * Path: the admin API on the real hub (its own process) → the hub records the change and publishes the
 * config it produces → Mosquitto (product ACL) → the panel's MqttLink → SyncAgent → StoreConfigReplica
 * commits it → the panel shows it. Two kinds of change, alternating:
 *  - a resident's doorbell text (`PATCH /api/v1/residents/{id}` {displayName}): the hub's one-resident
 *    fast path (config/resident-changes.ts); seen when the panel's own directory endpoint
 *    (`GET /api/v1/directory`, what the panel page reads) lists the new text;
 *  - a card revocation (`POST /api/v1/cards/{id}/revoke`): the hub's one-card fast path; seen when the
 *    next access decision for the card (AccessDecider, the card-tap path's function) is denied.
 *
 * Method: t0 just before the HTTP request is sent. After each commit of the replica (no polling), one
 * check runs — a decision, or one request to the directory endpoint; the first check that sees the change
 * is t1. Before the next change the bench waits for the retained snapshot of the change's version and a
 * short settle, as an administrator's changes are seconds apart.
 *
 * The building: 2,500 residents with two cards each, all with rules on the panel's doors (what the hub
 * recompiles after every change, and what the panel's retained snapshot holds); the panel's directory
 * lists 200 of them (one separate bell each, a large staircase). Both kinds of change take the hub's fast
 * path, yet size still shows: on the sync benches' 10,000-resident building the p99 was 280–340 ms
 * (p50 57–72 ms) on the shared 2-core lab machine, and a run took 1.5–2.5 minutes (each cycle waits for
 * the 10k recompile and snapshot); `--residents=10000` measures it.
 */
import { AccessDecider, readerDoorsFromConfig } from '../../device/access/decide.ts';
import { uidHashFromConfig } from '../../device/access/uid-hash.ts';
import { SystemClock } from '../../lib/clock/clock.ts';
import { until } from '../lab/until.ts';
import { BENCH_PANEL_ID, benchCardId, benchCardUid, type HubBuildingSize } from './hub-building.ts';
import { type BenchLine, round, summarize } from './stats.ts';
import { startSyncLab, within } from './sync-lab.ts';

const SETTLE_MS = 250;
const BUILDING_2500: HubBuildingSize = { residents: 2_500, cardsPerResident: 2, units: 700, timeProfiles: 5 };
const BELLS = 200;

const snapshotVersion = (payload: Buffer): number =>
  Number(/"version":(\d+)/.exec(payload.subarray(0, 200).toString())?.[1] ?? 0);

export async function benchAdminChange(
  options: { changes?: number; warmup?: number; building?: HubBuildingSize } = {},
): Promise<BenchLine[]> {
  const changes = options.changes ?? 50;
  const warmup = options.warmup ?? 4;
  const building = options.building ?? BUILDING_2500;
  const bells = Math.min(BELLS, building.residents);
  const lab = await startSyncLab({
    building,
    seed: (store) =>
      store.entities.createMany(
        'doorbells',
        Array.from({ length: bells }, (_, r) => ({
          id: `bell-${r}`,
          panelId: BENCH_PANEL_ID,
          residentId: `res-${r}`,
          type: 'separate',
          displayText: `Resident ${r}`,
        })),
      ),
  });
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
    const shows = async (bellId: string, text: string): Promise<boolean> => {
      const res = await lab.panelApi('GET', '/api/v1/directory');
      const { bells: listed } = (await res.json()) as { bells: { bellId: string; displayText: string }[] };
      return listed.some((b) => b.bellId === bellId && b.displayText === text);
    };
    // One check per commit; a commit during a running directory request checks again after it.
    let check: (() => boolean | Promise<boolean>) | undefined;
    let checking = false;
    let again = false;
    let seen: () => void = () => {};
    const runCheck = async () => {
      if (checking) {
        again = true;
        return;
      }
      checking = true;
      do {
        again = false;
        if (check && (await check())) {
          check = undefined;
          seen();
        }
      } while (again && check);
      checking = false;
    };
    lab.replica.onApplied = () => void runCheck();

    const samples: number[] = [];
    const responses: number[] = [];
    let afterSnapshot = 0;
    const byKind: Record<'rename' | 'revoke', number[]> = { rename: [], revoke: [] };
    for (let i = 0; i < warmup + changes; i++) {
      const kind = i % 2 === 0 ? 'rename' : 'revoke';
      const n = Math.floor(i / 2);
      let request: () => Promise<Response>;
      if (kind === 'rename') {
        const text = `Renamed ${i}`;
        const bell = `bell-${n % bells}`;
        check = () => shows(bell, text);
        request = () => lab.hubApi('PATCH', `/api/v1/residents/res-${n % bells}`, { displayName: text });
      } else {
        // Each resident's first card; every resident may use the main entrance at any time.
        const card = n * building.cardsPerResident;
        const uid = benchCardUid(card);
        if (!decider.decide(readerId, uid).granted) throw new Error(`card ${card} is not granted before`);
        check = () => !decider.decide(readerId, uid).granted;
        request = () => lab.hubApi('POST', `/api/v1/cards/${benchCardId(card)}/revoke`);
      }
      const t0 = performance.now();
      const effective = new Promise<number>((resolve) => {
        seen = () => {
          // Seen only once the retained snapshot was handled: the fast-path patch did not show it.
          if (i >= warmup && snapshotHandled >= lab.replica.version()) afterSnapshot++;
          resolve(performance.now() - t0);
        };
      });
      const res = await request();
      if (!res.ok) throw new Error(`${kind} answered ${res.status}: ${await res.text()}`);
      const responseMs = performance.now() - t0;
      const ms = await within(effective, 30_000, `change ${i} (${kind}) to show at the panel`);
      const version = lab.replica.version();
      await until(() => snapshotHandled >= version, `the retained snapshot of version ${version}`, 30_000);
      await new Promise((r) => setTimeout(r, SETTLE_MS));
      if (i >= warmup) {
        samples.push(ms);
        byKind[kind].push(ms);
        responses.push(responseMs);
      }
    }
    const s = summarize(samples);
    return [
      {
        metric: 'admin_change_to_panel_p99_ms',
        value: round(s.p99, 1),
        unit: 'ms',
        p50_ms: round(s.p50, 1),
        max_ms: round(s.max, 1),
        n: s.n,
        rename_p99_ms: round(summarize(byKind.rename).p99, 1),
        revoke_p99_ms: round(summarize(byKind.revoke).p99, 1),
        api_response_p50_ms: round(summarize(responses).p50, 1),
        seen_only_after_snapshot: afterSnapshot,
        residents: building.residents,
        directory_bells: bells,
        target: 500,
        note: "admin API (doorbell text / card revoke) -> hub process -> Mosquitto -> panel commits -> panel's GET /api/v1/directory lists it / next decision denies",
      },
    ];
  } finally {
    await lab.stop();
  }
}

if (import.meta.main) {
  const arg = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
  const residents = Number(arg('residents') ?? BUILDING_2500.residents);
  const building = { ...BUILDING_2500, residents, units: Math.ceil(residents / 4) };
  for (const line of await benchAdminChange({ changes: Number(arg('changes') ?? 50), building }))
    console.log(JSON.stringify(line));
}
