/**
 * `npm start`'s launcher: embedded broker + hub process + panel process, the demo building loaded through
 * the hub. Drives it only through what the banner prints, as a newcomer would.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_CARDS } from '../../device/sim/demo-building.ts';
import { until } from '../../scripts/lab/until.ts';
import { type Simulator, startSimulator } from '../../scripts/sim/simulator.ts';

describe('npm start: panel, hub and embedded broker', () => {
  let sim: Simulator;

  beforeAll(async () => {
    sim = await startSimulator();
  }, 120_000);

  afterAll(async () => {
    await sim?.stop();
  });

  const post = (url: string, body?: unknown, token?: string) =>
    fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    }).then(async (r) => ({ status: r.status, body: (await r.json()) as Record<string, unknown> }));

  const tap = (uid: string) => post(`${sim.panel}/api/v1/sim/readers/entrance-reader/tap`, { uid });

  it('the panel got the demo building from the hub: a resident card opens the door', async () => {
    const res = await tap(DEMO_CARDS.resident7Byte);
    expect(res.body).toMatchObject({ granted: true, residentId: 'resident-02' });
  });

  it('a card revoked at the hub with ?wait (as the banner prints) is denied on the very next tap', async () => {
    const revoke = await post(
      `${sim.hub}/api/v1/cards/card-resident-01/revoke?wait=5000`,
      undefined,
      sim.adminToken,
    );
    expect(revoke.status).toBe(200);
    expect(revoke.body['config']).toMatchObject({
      applied: [{ panelId: 'demo-panel', version: expect.any(Number) }],
      notApplied: [],
    });
    // No waiting here: the answer came once the panel had applied the revocation.
    expect((await tap(DEMO_CARDS.resident)).body).toMatchObject({ granted: false, reason: 'card_revoked' });
  });

  it('the WebAdmin login the banner prints works: its password leads to the TOTP enrolment', async () => {
    const [, url, username, password] =
      /WebAdmin\s+(\S+)\s+log in as (\S+) \/ (\S+)/.exec(sim.output()) ?? [];
    expect(url).toBe(`${sim.hub}/admin/`);
    expect((await fetch(url!)).status).toBe(200);
    const login = await post(`${sim.hub}/api/v1/admin/login`, { username, password });
    expect(login.status).toBe(200);
    expect(login.body).toMatchObject({ next: 'enrol_totp', secret: expect.any(String) });
  });

  it('the panel events reach the hub', async () => {
    await until(async () => {
      const res = await fetch(`${sim.hub}/api/v1/events?panel=demo-panel&limit=1000`, {
        headers: { authorization: `Bearer ${sim.adminToken}` },
      });
      const { events } = (await res.json()) as { events: { type: string }[] };
      return events.some((e) => e.type === 'access.granted');
    }, 'access.granted at the hub');
  });

  it('a crashed hub is restarted and says so; the panel keeps running meanwhile', async () => {
    const hubPids = () =>
      processesMentioning(sim.dataDir).filter((pid) => commandLine(pid).includes('cloud-sync/hub/cli.ts'));
    const [crashed] = hubPids();
    expect(crashed).toBeDefined();
    process.kill(crashed!, 'SIGKILL');
    await until(
      () => sim.output().includes('[hub] exited (SIGKILL); restarting in 1 s'),
      'the restart notice',
    );
    // The panel and its doors do not depend on the hub.
    expect((await tap(DEMO_CARDS.unknown)).body).toMatchObject({ granted: false, reason: 'unknown_card' });
    await until(() => /\[hub\] restarted \(pid \d+, restart 1\)/.test(sim.output()), 'the hub to restart');
    await until(
      async () =>
        (await fetch(`${sim.hub}/healthz`).then(
          (r) => r.ok,
          () => false,
        )) === true,
      'the hub to answer again',
    );
    expect(hubPids()).not.toContain(crashed);
    expect(hubPids()).toHaveLength(1);
  });

  it('SIGTERM stops everything: exit 0, no process of the simulator left', async () => {
    expect(await sim.stop()).toBe(0);
    expect(processesMentioning(sim.dataDir)).toEqual([]);
  });
});

function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return '';
  }
}

/** PIDs of live processes whose command line names `text` (the launcher passes its data dir to each child). */
function processesMentioning(text: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(text)) pids.push(Number(entry));
    } catch {
      // The process ended while we looked.
    }
  }
  return pids;
}
