/**
 * Every cause that opens a door, on the real panel (sim hardware, real SQLite store): card tap (two doors),
 * installer API, signed cloud command, call, Home Assistant lock command, exit button. Each commits its decision and each door's
 * `door.unlocked` in ONE transaction (one commit frame in the WAL, so one fsync) before any relay moves;
 * and when that commit fails, nothing is written and no relay moves. The exit button is egress: its relay
 * moves first, and the same one commit follows; a failed commit does not keep the door shut.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { validateConfig } from '../../../device/config/load.ts';
import { LockCommands } from '../../../device/home-assistant/lock-commands.ts';
import { callDoorOpener } from '../../../device/intercom/call-door.ts';
import { Panel } from '../../../device/main.ts';
import { DEMO_CARDS, demoBuilding } from '../../../device/sim/demo-building.ts';
import { demoConfig } from '../../../device/sim/demo-config.ts';
import { simGpioOf, simReadersOf } from '../../../device/sim/sim-hardware.ts';
import { PanelCommandTarget } from '../../../device/sync/command-target.ts';
import { FakeClock } from '../../../lib/clock/fake-clock.ts';
import { silentLogger } from '../../../lib/log/logger.ts';
import { tempDir } from '../../support/temp-dir.ts';
import { truncateWal, walCommits } from '../../support/wal-commits.ts';

const TOKEN = 'test-installer-token-0123';
const LONGEST_PULSE_MS = 10_000;
const DEBOUNCE_MS = 30;

interface Rig {
  panel: Panel;
  clock: FakeClock;
  dbPath: string;
  /** A second connection: it sees only committed rows. */
  other: Database.Database;
  dir: string;
}

let rig: Rig;

beforeEach(async () => {
  const dir = tempDir();
  const dbPath = join(dir, 'panel.db');
  const input = demoConfig({ storePath: dbPath, port: 0, installerToken: TOKEN });
  const config = validateConfig({ ...input, intercom: { enabled: false } });
  config.access.repeatTapWindowMs = 0;
  // The panel's timers (pulses, debounce, the idle checkpointer) move only when the test says so.
  const clock = new FakeClock(Date.UTC(2026, 5, 1, 10));
  const panel = new Panel({ config, logger: silentLogger, clock });
  await panel.start();
  panel.store!.buildingData.replaceBuildingData(demoBuilding());
  rig = { panel, clock, dbPath, other: new Database(dbPath), dir };
});

afterEach(async () => {
  rig.other.close();
  await rig.panel.stop();
  rmSync(rig.dir, { recursive: true, force: true });
});

type Cause = { name: string; run: () => unknown };

/** The five causes, each opening through the panel's own entry point for it. */
function causes(): Cause[] {
  const { panel, clock } = rig;
  const readers = simReadersOf(panel.readers!)!;
  const gpio = simGpioOf(panel.gpio!)!;
  const commands = new PanelCommandTarget({
    opener: panel.doorOpener!,
    audit: panel.audit!,
    logger: silentLogger,
  });
  const calls = callDoorOpener(panel.doorOpener!);
  const homeAssistant = new LockCommands({
    opener: panel.doorOpener!,
    audit: panel.audit!,
    allowOpen: true,
    commandsPerMinute: 60,
    commandBurst: 20,
    republish: () => {},
    clock,
    logger: silentLogger,
  });
  const { port } = panel.apiAddress();
  return [
    { name: 'card tap', run: () => readers.tap('Sim Reader Courtyard', DEMO_CARDS.resident) },
    {
      name: 'installer',
      run: async () => {
        const res = await fetch(`http://127.0.0.1:${port}/api/v1/doors/main-entrance/unlock`, {
          method: 'POST',
          headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
          body: '{}',
        });
        return { status: res.status, body: await res.json() };
      },
    },
    {
      name: 'cloud command',
      run: () => commands.openDoor('main-entrance', { kind: 'admin', id: 'alice-admin' }, 'delivery'),
    },
    {
      name: 'call',
      run: () =>
        calls.openForCall('main-entrance', { residentId: 'r1', appDeviceId: 'phone-1', callId: 'call-1' }),
    },
    {
      name: 'digit on the phone',
      run: () =>
        calls.openForPhone('main-entrance', {
          residentId: 'r1',
          callId: 'call-2',
          digit: '5',
          source: 'rfc4733',
        }),
    },
    {
      name: 'home assistant',
      run: () => homeAssistant.handle('main-entrance', Buffer.from('OPEN'), false),
    },
    {
      name: 'exit button',
      run: () => {
        gpio.setInput('main-entrance.exitButton', true);
        clock.advance(DEBOUNCE_MS);
        gpio.setInput('main-entrance.exitButton', false);
        clock.advance(DEBOUNCE_MS);
      },
    },
  ];
}

interface Observed {
  result: unknown;
  commits: number;
  /** Types of the rows committed by the cause. */
  rows: string[];
  /** Each relay command, with the row types already committed when it was given. */
  relayMoves: { relay: string; committed: string[] }[];
}

async function observe(cause: Cause): Promise<Observed> {
  const { panel, clock, dbPath, other } = rig;
  // Every pulse ends (and the idle checkpointer has its turn) before the WAL is emptied.
  clock.advance(LONGEST_PULSE_MS + 5000);
  truncateWal(other);
  const before = panel.audit!.lastSeq();
  const committed = () =>
    other
      .prepare<[number], string>('SELECT type FROM audit_events WHERE seq > ? ORDER BY seq')
      .pluck()
      .all(before);
  const relayMoves: Observed['relayMoves'] = [];
  const off = simGpioOf(panel.gpio!)!.on('relay', (r) => {
    relayMoves.push({ relay: r.name, committed: committed() });
  });
  try {
    const result = await cause.run();
    return { result, commits: walCommits(dbPath), rows: committed(), relayMoves };
  } finally {
    off();
  }
}

describe('every cause that opens a door', () => {
  it('commits its decision and each door.unlocked once, before the relay moves', async () => {
    const decisions: Record<string, string> = {
      'card tap': 'access.granted',
      installer: 'api.unlock_requested',
      'cloud command': 'command.executed',
      call: 'call.door_opened',
      'digit on the phone': 'call.phone_door_opened',
      'home assistant': 'home_assistant.open_requested',
      'exit button': 'door.exit_requested',
    };
    for (const cause of causes()) {
      const seen = await observe(cause);
      const doors = cause.name === 'card tap' ? ['bike-room.relay', 'garage.relay'] : ['main-entrance.relay'];
      const expected = [decisions[cause.name], ...doors.map(() => 'door.unlocked')];
      expect({ cause: cause.name, commits: seen.commits }).toEqual({ cause: cause.name, commits: 1 });
      expect(seen.rows).toEqual(expected);
      expect(seen.relayMoves.map((m) => m.relay)).toEqual(doors);
      const egress = cause.name === 'exit button';
      for (const move of seen.relayMoves) expect(move.committed).toEqual(egress ? [] : expected);
    }
  });

  it('moves no relay and writes nothing when the commit fails, whatever the cause but egress', async () => {
    // A deferred foreign key makes every transaction that writes an audit row fail at COMMIT, after all
    // its statements succeeded: the commit itself fails, as a full disk or a lost fsync would.
    rig.other.exec(`
      CREATE TABLE test_gate_parent (id INTEGER PRIMARY KEY);
      CREATE TABLE test_gate (ref INTEGER REFERENCES test_gate_parent(id) DEFERRABLE INITIALLY DEFERRED);
      CREATE TRIGGER test_fail_commit AFTER INSERT ON audit_events BEGIN INSERT INTO test_gate VALUES (1); END;
    `);
    const results: Record<string, unknown> = {};
    const energizeCounts = () =>
      simGpioOf(rig.panel.gpio!)!
        .relays()
        .map((r) => r.energizeCount);
    const countsBefore = energizeCounts();
    try {
      for (const cause of causes()) {
        const seen = await observe(cause);
        const moves = cause.name === 'exit button' ? [{ relay: 'main-entrance.relay', committed: [] }] : [];
        expect({ cause: cause.name, commits: seen.commits, rows: seen.rows, moves: seen.relayMoves }).toEqual(
          { cause: cause.name, commits: 0, rows: [], moves },
        );
        results[cause.name] = seen.result;
      }
    } finally {
      rig.other.exec('DROP TRIGGER test_fail_commit');
    }
    expect(results).toEqual({
      'card tap': undefined,
      installer: { status: 409, body: { error: expect.objectContaining({ code: 'audit_failed' }) } },
      'cloud command': { ok: false, reason: 'audit write failed' },
      call: { ok: false, reason: 'audit write failed' },
      'digit on the phone': { ok: false, reason: 'audit write failed' },
      'home assistant': 'open_failed',
      'exit button': undefined,
    });
    // Only the exit press moved a relay.
    const after = energizeCounts();
    expect(after.reduce((a, b) => a + b, 0) - countsBefore.reduce((a, b) => a + b, 0)).toBe(1);
  });
});
