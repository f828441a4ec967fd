/** The launcher's waiting steps: readiness polls with a deadline, provisioning, signals. */
import { spawn } from 'node:child_process';
import { until } from '../lab/until.ts';
import type { Child } from './children.ts';
import type { HubAdmin } from './demo-seed.ts';

/** Polls `ready` until it returns true; fails early, with its output, when `child` exits meanwhile. */
export async function waitFor(
  what: string,
  child: Child,
  ready: () => Promise<boolean>,
  timeoutMs = 30_000,
): Promise<void> {
  let exited: number | string | undefined;
  void child.exited.then((code) => {
    exited = code;
  });
  let lastError = '';
  const check = async (): Promise<boolean> => {
    if (exited !== undefined)
      throw new Error(`${child.name} exited (${exited}) while waiting for ${what}:\n${child.tail()}`);
    try {
      return await ready();
    } catch (err) {
      lastError = err instanceof Error ? err.message : String(err);
      return false;
    }
  };
  await until(check, what, timeoutMs, 100).catch((err: unknown) => {
    if (exited !== undefined || !(err instanceof Error) || !err.message.startsWith('timed out')) throw err;
    throw new Error(`${err.message}${lastError ? ` (last error: ${lastError})` : ''}:\n${child.tail()}`);
  });
}

/** True once the panel reports the config version the hub last published for it. */
export async function panelInSync(admin: HubAdmin, panelId: string): Promise<boolean> {
  const view = (await admin.get(`/api/v1/panels/${panelId}`)) as {
    config?: { publishedVersion: number | null; reportedVersion: number | null };
  };
  const c = view.config;
  return c !== undefined && c.publishedVersion !== null && c.reportedVersion === c.publishedVersion;
}

/** `portvakt-hub provision`, the installer's one command, run on the hub's data dir. */
export async function provision(o: {
  hubCli: string;
  panelId: string;
  hubDataDir: string;
  buildingId: string;
  brokerUrl: string;
  out: string;
  /** More flags, e.g. the SIP edge's (`--sip-edge-url` …). */
  extraArgs?: readonly string[];
}): Promise<{ installerPin: string }> {
  const args = [
    o.hubCli,
    'provision',
    '--data-dir',
    o.hubDataDir,
    '--panel-id',
    o.panelId,
    '--building',
    o.buildingId,
    '--name',
    'Storgatan 12, entrance A',
    '--broker-url',
    o.brokerUrl,
    '--out',
    o.out,
    ...(o.extraArgs ?? []),
  ];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  let stdout = '';
  child.stdout.on('data', (d) => {
    output += d;
    stdout += d;
  });
  child.stderr.on('data', (d) => {
    output += d;
  });
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`portvakt-hub provision failed (${code}):\n${output}`);
  // The generated installer PIN is printed once (panel.yaml has only its hash): the banner shows it.
  return { installerPin: String((JSON.parse(stdout) as { installerPin: unknown }).installerPin) };
}

/** Resolves with the name of the first SIGINT or SIGTERM. */
export function signal(): Promise<string> {
  return new Promise((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
  });
}
