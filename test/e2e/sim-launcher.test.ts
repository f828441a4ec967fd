/**
 * `npm start`'s launcher: embedded broker + hub process + panel process, the demo building loaded through
 * the hub. Drives it only through what the banner prints, as a newcomer would.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_CARDS } from '../../device/sim/demo-building.ts';
import { until } from '../../scripts/lab/until.ts';
import { tempDir } from '../support/temp-dir.ts';

const LAUNCHER = new URL('../../scripts/sim/start.ts', import.meta.url).pathname;

interface Banner {
  panel: string;
  hub: string;
  adminToken: string;
}

describe('npm start: panel, hub and embedded broker', () => {
  const dataDir = join(tempDir(), 'sim');
  let child: ChildProcess;
  let output = '';
  let banner: Banner;

  beforeAll(async () => {
    child = spawn(process.execPath, [LAUNCHER, '--data-dir', dataDir, '--port', '0', '--hub-port', '0'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.on('data', (d) => {
      output += d;
    });
    child.stderr?.on('data', (d) => {
      output += d;
    });
    banner = await waitForBanner(() => output, child);
  }, 60_000);

  afterAll(async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
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

  const tap = (uid: string) => post(`${banner.panel}/api/v1/sim/readers/entrance-reader/tap`, { uid });

  it('the panel got the demo building from the hub: a resident card opens the door', async () => {
    const res = await tap(DEMO_CARDS.resident7Byte);
    expect(res.body).toMatchObject({ granted: true, residentId: 'resident-02' });
  });

  it('a card revoked at the hub is denied on its next tap', async () => {
    const revoke = await post(
      `${banner.hub}/api/v1/cards/card-resident-01/revoke`,
      undefined,
      banner.adminToken,
    );
    expect(revoke.status).toBe(200);
    await until(
      async () => (await tap(DEMO_CARDS.resident)).body.reason === 'card_revoked',
      'the revocation',
    );
  });

  it('the panel events reach the hub', async () => {
    await until(async () => {
      const res = await fetch(`${banner.hub}/api/v1/events?panel=demo-panel&limit=1000`, {
        headers: { authorization: `Bearer ${banner.adminToken}` },
      });
      const { events } = (await res.json()) as { events: { type: string }[] };
      return events.some((e) => e.type === 'access.granted');
    }, 'access.granted at the hub');
  });

  it('SIGTERM stops everything: exit 0, no process of the simulator left', async () => {
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(processesMentioning(dataDir)).toEqual([]);
  });
});

async function waitForBanner(output: () => string, child: ChildProcess): Promise<Banner> {
  const deadline = Date.now() + 50_000;
  while (Date.now() < deadline) {
    const text = output();
    const panel = /local API\s+(http:\/\/\S+)/.exec(text)?.[1];
    const hub = /hub API\s+(http:\/\/\S+)/.exec(text)?.[1];
    const adminToken = /revoke -H 'authorization: Bearer ([\w-]+)'/.exec(text)?.[1];
    if (panel && hub && adminToken) return { panel, hub, adminToken };
    if (child.exitCode !== null) throw new Error(`the launcher exited (${child.exitCode}):\n${text}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no banner within 50 s:\n${output()}`);
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
