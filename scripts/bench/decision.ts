/**
 * Access-decision latency at building scale: 100,000 cards for 1,000 residents in a file-backed store,
 * most residents on time profiles, decided on random known and unknown UIDs. The decision sits between
 * the card tap and the relay, so the tail (p99) is the number that matters.
 *
 * Run directly: `node scripts/bench/decision.ts` prints JSON lines.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AccessDecider, readerDoorsFromConfig } from '../../device/access/decide.ts';
import { createUidHash } from '../../device/access/uid-hash.ts';
import type { BuildingSnapshotInput } from '../../device/store/snapshot.ts';
import { openStore } from '../../device/store/store.ts';
import { FakeClock } from '../../lib/clock/fake-clock.ts';
import { silentLogger } from '../../lib/log/logger.ts';
import { type BenchLine, round, summarize } from './stats.ts';

export type { BenchLine };

const CARDS = 100_000;
const RESIDENTS = 1_000;
const DOORS = ['front', 'back', 'garage', 'bikes', 'laundry', 'gym'];
const PROFILES = 20;
const DECISIONS = 20_000;
const WARMUP = 2_000;
const UNKNOWN_SHARE = 0.2;

/** Deterministic PRNG (mulberry32) so runs are comparable. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const uidOf = (n: number): string => `04${n.toString(16).toUpperCase().padStart(6, '0')}`;

function buildSnapshot(random: () => number, now: number): BuildingSnapshotInput {
  const pick = (n: number) => Math.floor(random() * n);
  const timeProfiles = Array.from({ length: PROFILES }, (_, p) => ({
    id: `tp${p}`,
    buildingId: 'b1',
    name: `profile ${p}`,
    // A few intervals per weekday: a morning and an evening window of varying length.
    intervals: [0, 1, 2, 3, 4, 5, 6].flatMap((weekday) => [
      { weekday, startMinute: 360 + pick(120), endMinute: 600 + pick(120) },
      { weekday, startMinute: 960 + pick(60), endMinute: 1200 + pick(240) },
    ]),
  }));
  const residents = Array.from({ length: RESIDENTS }, (_, r) => ({
    id: `res${r}`,
    unitId: `unit${r % 250}`,
    name: `Resident ${r}`,
    status: r % 97 === 0 ? ('removed' as const) : ('active' as const),
  }));
  const accessRules = residents.flatMap((res, r) =>
    DOORS.filter((_, d) => d < 2 || random() < 0.4).map((doorId) => ({
      id: `${res.id}-${doorId}`,
      residentId: res.id,
      doorId,
      // Most residents are on a schedule; a few rules are always, a few expired.
      timeProfileId: r % 10 === 0 ? null : `tp${pick(PROFILES)}`,
      validUntil: r % 53 === 0 ? now - 1 : null,
    })),
  );
  const cards = Array.from({ length: CARDS }, (_, c) => ({
    id: `card${c}`,
    uid: uidOf(c),
    residentId: `res${c % RESIDENTS}`,
    status: c % 211 === 0 ? ('blocked' as const) : ('active' as const),
  }));
  return {
    buildings: [{ id: 'b1', name: 'Bench building', timeZone: 'Europe/Stockholm' }],
    doors: DOORS.map((id) => ({ id, buildingId: 'b1', name: id })),
    units: Array.from({ length: 250 }, (_, u) => ({ id: `unit${u}`, buildingId: 'b1', name: `${1000 + u}` })),
    residents,
    cards,
    timeProfiles,
    accessRules,
  };
}

export async function benchDecision(): Promise<BenchLine[]> {
  const dir = mkdtempSync(join(tmpdir(), 'portvakt-bench-'));
  // Weekday evening in Stockholm: some schedules open, some closed.
  const clock = new FakeClock(Date.UTC(2026, 2, 10, 17, 30));
  const store = openStore(join(dir, 'bench.db'), { clock, logger: silentLogger });
  try {
    const random = prng(0x5eed);
    const snapshot = buildSnapshot(random, clock.now());
    const seedStart = performance.now();
    store.buildingData.replaceBuildingData(snapshot);
    const seedMs = performance.now() - seedStart;

    const decider = new AccessDecider({
      store,
      clock,
      readerDoors: readerDoorsFromConfig([
        { id: 'r-front', doors: ['front'] },
        { id: 'r-back', doors: ['back', 'bikes'] },
        { id: 'r-basement', doors: ['garage', 'laundry', 'gym'] },
      ]),
      uidHash: createUidHash('bench-key-0123456789'),
      repeatTapWindowMs: 0,
    });
    const readerIds = ['r-front', 'r-back', 'r-basement'];
    const taps = Array.from({ length: WARMUP + DECISIONS }, () => ({
      readerId: readerIds[Math.floor(random() * readerIds.length)]!,
      uid: uidOf(
        random() < UNKNOWN_SHARE ? CARDS + Math.floor(random() * 1e6) : Math.floor(random() * CARDS),
      ),
    }));

    const samples: number[] = [];
    let granted = 0;
    for (let i = 0; i < taps.length; i++) {
      const tap = taps[i]!;
      // Step wall time so schedule lookups do not all hit one cached minute.
      clock.setWallTime(clock.now() + 7_000);
      const t0 = performance.now();
      const decision = decider.decide(tap.readerId, tap.uid);
      const dt = performance.now() - t0;
      if (i >= WARMUP) {
        samples.push(dt);
        if (decision.granted) granted++;
      }
    }
    const stats = summarize(samples);
    return [
      {
        metric: 'decision_p99_ms_100k_cards',
        value: round(stats.p99, 4),
        unit: 'ms',
        target: 1,
        p50_ms: round(stats.p50, 4),
        max_ms: round(stats.max, 4),
        decisions: DECISIONS,
        granted_share: Math.round((granted / DECISIONS) * 1000) / 1000,
        cards: CARDS,
        residents: RESIDENTS,
        rules: snapshot.accessRules?.length ?? 0,
        seed_ms: Math.round(seedMs),
      },
    ];
  } finally {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.main) {
  for (const line of await benchDecision()) console.log(JSON.stringify(line));
}
