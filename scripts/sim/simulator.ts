/**
 * `npm start` as a fixture of the browser tests and benches: the launcher (embedded broker, hub, panel
 * with the sim camera) on free ports, read through the banner it prints, as a newcomer would. Residents
 * get app logins through the hub's admin API; pages run in headless Chromium.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { callState } from '../../cloud-sync/protocol/panel-api.ts';
import { holdsWithin, until } from '../lab/until.ts';

const LAUNCHER = new URL('./start.ts', import.meta.url).pathname;

export interface Simulator {
  /** The launcher passes it to every child: it tells this simulator's processes from other tests'. */
  dataDir: string;
  panel: string;
  hub: string;
  app: string;
  adminToken: string;
  output: () => string;
  /** SIGTERM, wait, remove the data dir; resolves with the launcher's exit code (null: ended by a signal). */
  stop(): Promise<number | null>;
}

export async function startSimulator(extraArgs: string[] = []): Promise<Simulator> {
  const tmp = mkdtempSync(join(tmpdir(), 'portvakt-sim-'));
  const dataDir = join(tmp, 'sim');
  const child: ChildProcess = spawn(
    process.execPath,
    [LAUNCHER, '--data-dir', dataDir, '--port', '0', '--hub-port', '0', ...extraArgs],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout?.on('data', (d) => {
    output += d;
  });
  child.stderr?.on('data', (d) => {
    output += d;
  });
  const banner = () => {
    const panel = /local API\s+(http:\/\/\S+)/.exec(output)?.[1];
    const hub = /hub API\s+(http:\/\/\S+)/.exec(output)?.[1];
    const app = /Resident app\s+(http:\/\/\S+)/.exec(output)?.[1];
    const adminToken = /revoke(?:\?wait=\d+')? -H 'authorization: Bearer ([\w-]+)'/.exec(output)?.[1];
    return panel && hub && app && adminToken && { panel, hub, app, adminToken };
  };
  const urls = await until(
    () => {
      if (child.exitCode !== null) throw new Error(`the launcher exited (${child.exitCode})`);
      return banner();
    },
    'the banner',
    90_000,
    100,
  ).catch((err: Error) => {
    child.kill('SIGKILL');
    throw new Error(`${err.message}:\n${output}`);
  });
  return {
    dataDir,
    ...urls,
    output: () => output,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(tmp, { recursive: true, force: true });
      return child.exitCode;
    },
  };
}

export async function adminPost(
  sim: Simulator,
  path: string,
  body?: unknown,
): Promise<Record<string, unknown>> {
  const res = await fetch(`${sim.hub}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${sim.adminToken}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const json = (await res.json()) as Record<string, unknown>;
  if (!res.ok) throw new Error(`POST ${path}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

/** Gives a resident an app login (the admin's step) and returns the one-time password. */
export async function residentPassword(sim: Simulator, residentId: string): Promise<string> {
  const reply = await adminPost(sim, `/api/v1/residents/${residentId}/login`);
  return String(reply['password']);
}

export async function panelJson(
  sim: Simulator,
  path: string,
  method = 'GET',
): Promise<Record<string, unknown>> {
  const res = await fetch(`${sim.panel}${path}`, { method });
  return (await res.json()) as Record<string, unknown>;
}

/** What the resident app publishes as `window.portvaktApp`. */
export interface AppCall {
  callId: string;
  state: string;
  /** Wall-clock ms in the page (performance.timeOrigin + performance.now()). */
  ringReceivedAt: number;
  ringShownAt: number | null;
  offerReceivedAt: number | null;
  answerSentAt: number | null;
  acceptedAt: number | null;
  endedAt: number | null;
  firstFrameAt: number | null;
  framesDecoded: number;
  audioBytesReceived: number;
  audioBytesSent: number;
  lastDoor: { doorId: string; result: string } | null;
}

export async function appCall(page: Page): Promise<AppCall | null> {
  return page.evaluate(
    () => (globalThis as unknown as { portvaktApp: { call: AppCall | null } }).portvaktApp?.call ?? null,
  );
}

export async function logInApp(
  page: Page,
  sim: Simulator,
  residentId: string,
  password: string,
  device: string,
) {
  await page.goto(sim.app);
  await page.getByTestId('login-resident').fill(residentId);
  await page.getByTestId('login-password').fill(password);
  await page.getByTestId('login-device').fill(device);
  await page.getByTestId('login-submit').click();
  await until(
    () =>
      page.evaluate(
        () =>
          (globalThis as unknown as { portvaktApp?: { mqttConnected: boolean } }).portvaktApp?.mqttConnected,
      ),
    `${device} to connect`,
  );
}

/** The panel's camera pipeline: a gst-launch whose parent is this simulator's panel process. */
export function cameraPipelinePid(sim: Simulator): number | undefined {
  const read = (path: string) => {
    try {
      return readFileSync(path, 'utf8');
    } catch {
      return '';
    }
  };
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const cmdline = read(`/proc/${entry}/cmdline`);
    if (!cmdline.includes('gst-launch') || !cmdline.includes('videotestsrc')) continue;
    const ppid = /^PPid:\s+(\d+)/m.exec(read(`/proc/${entry}/status`))?.[1];
    if (ppid && read(`/proc/${ppid}/cmdline`).includes(sim.dataDir)) return Number(entry);
  }
  return undefined;
}

/** Ends the panel's call in progress, if any (as the visitor's hang-up button does). */
export async function hangUpPanel(sim: Simulator): Promise<void> {
  const call = callState.parse(await panelJson(sim, '/api/v1/call'));
  if (call.phase !== 'idle') await panelJson(sim, `/api/v1/calls/${call.callId}/hangup`, 'POST');
}

/** Rings until the given pages all ring: a fresh app login reaches the panel's directory within a moment. */
export async function ringUntilRung(
  sim: Simulator,
  ring: () => Promise<unknown>,
  pages: Page[],
): Promise<void> {
  await until(
    async () => {
      await ring();
      const rung = await holdsWithin(
        async () => (await Promise.all(pages.map(appCall))).every((c) => c?.state === 'ringing'),
        2500,
      );
      if (!rung) await hangUpPanel(sim);
      return rung;
    },
    'every device to ring',
    20_000,
  );
}
