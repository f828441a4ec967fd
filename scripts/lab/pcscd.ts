/**
 * Starts a private pcscd with one vpcd (virtual PC/SC reader) for tests and benchmarks. pcscd's socket
 * path /run/pcscd/pcscd.comm is compiled in, so this only runs inside the lab namespace
 * (scripts/lab/in-lab-ns.sh), which gives /run/pcscd its own tmpfs.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from './free-port.ts';

export const PCSCD_SOCKET = '/run/pcscd/pcscd.comm';
const PCSCD_PIDFILE = '/run/pcscd/pcscd.pid';
const VPCD_DRIVER = '/usr/lib/pcsc/drivers/serial/libifdvpcd.so';
// Debian installs the daemon in /usr/sbin, which a non-login shell's PATH may lack.
const PCSCD = existsSync('/usr/sbin/pcscd') ? '/usr/sbin/pcscd' : 'pcscd';

export interface StartPcscdOptions {
  /** TCP port on which vpcd waits for the virtual card; a free one is picked when omitted. */
  port?: number;
  /** FRIENDLYNAME of the reader; pcscd appends a slot suffix (" 00 00"). */
  friendlyName?: string;
  /** Give up waiting for readiness after this long. */
  readyTimeoutMs?: number;
}

export interface PcscdHandle {
  readonly pid: number;
  /** The vpcd port: pass it to VirtualCard. */
  readonly port: number;
  /** The reader name pcscd reports for the vpcd slot. */
  readonly readerName: string;
  /** SIGTERM, then SIGKILL if pcscd has not exited within 5 s; resolves once it has exited. */
  stop(): Promise<void>;
  /** Sends a signal (default SIGKILL) and resolves once pcscd has exited. */
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** Everything pcscd printed (for failure messages). */
  output(): string;
}

export function assertInLabNamespace(): void {
  if (process.env['PORTVAKT_LAB_NS'] !== '1') {
    throw new Error(
      'refusing to start pcscd outside the lab namespace: it would clash with the host pcscd on ' +
        `${PCSCD_SOCKET}. Run through scripts/lab/in-lab-ns.sh (e.g. scripts/lab/in-lab-ns.sh npx vitest run --project pcsc).`,
    );
  }
}

/** A TCP port that was free a moment ago (bind port 0, read it, release it). */

export async function startPcscd(options: StartPcscdOptions = {}): Promise<PcscdHandle> {
  assertInLabNamespace();
  await removeStaleDaemonFiles();
  const port = options.port ?? (await freePort());
  const friendlyName = options.friendlyName ?? 'Virtual PCD';
  const configDir = await mkdtemp(join(tmpdir(), 'portvakt-pcscd-'));
  const hexPort = `0x${port.toString(16).toUpperCase()}`;
  await writeFile(
    join(configDir, 'vpcd'),
    [
      `FRIENDLYNAME "${friendlyName}"`,
      `DEVICENAME /dev/null:${hexPort}`,
      `LIBPATH ${VPCD_DRIVER}`,
      `CHANNELID ${hexPort}`,
      '',
    ].join('\n'),
  );

  const child = spawn(PCSCD, ['--foreground', '--config', configDir], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const collect = (chunk: Buffer): void => {
    // Bounded: a long benchmark run must not grow this without limit.
    output = (output + chunk.toString()).slice(-20_000);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  void exited.then(() => rm(configDir, { recursive: true, force: true }));
  const spawned = await new Promise<Error | undefined>((resolve) => {
    child.once('spawn', () => resolve(undefined));
    child.once('error', (err) => resolve(err));
  });
  if (spawned || child.pid === undefined) {
    throw new Error(`could not start pcscd: ${spawned?.message ?? 'no pid'}`);
  }
  const pid = child.pid;

  try {
    await waitUntilReady(child, port, options.readyTimeoutMs ?? 10_000, () => output);
  } catch (err) {
    child.kill('SIGKILL');
    await exited;
    throw err;
  }

  const kill = async (signal: NodeJS.Signals = 'SIGKILL'): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    await exited;
  };
  return {
    pid,
    port,
    readerName: `${friendlyName} 00 00`,
    kill,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    },
    output: () => output,
  };
}

async function waitUntilReady(
  child: ChildProcess,
  port: number,
  timeoutMs: number,
  output: () => string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`pcscd exited during startup (${child.exitCode ?? child.signalCode}):\n${output()}`);
    }
    if ((await socketAccepts(PCSCD_SOCKET)) && (await tcpListening(port))) return;
    await sleep(25);
  }
  throw new Error(
    `pcscd not ready after ${timeoutMs} ms (socket or vpcd port ${port} missing):\n${output()}`,
  );
}

function socketAccepts(path: string): Promise<boolean> {
  if (!existsSync(path)) return Promise.resolve(false);
  return new Promise((resolve) => {
    const socket = createConnection(path);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/**
 * Reads /proc/net/tcp instead of connecting: a TCP connection to the vpcd port would count as a card
 * being inserted.
 */
async function tcpListening(port: number): Promise<boolean> {
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    const table = await readFile(file, 'utf8').catch(() => '');
    for (const line of table.split('\n').slice(1)) {
      const [, local, , state] = line.trim().split(/\s+/);
      if (state === '0A' && local?.endsWith(`:${hexPort}`)) return true;
    }
  }
  return false;
}

/** A SIGKILLed pcscd leaves its pid file and socket behind; a new one would refuse to start. */
async function removeStaleDaemonFiles(): Promise<void> {
  const pidText = await readFile(PCSCD_PIDFILE, 'utf8').catch(() => undefined);
  const pid = pidText ? Number.parseInt(pidText, 10) : Number.NaN;
  if (Number.isInteger(pid) && pid > 0 && processAlive(pid)) {
    throw new Error(`another pcscd (pid ${pid}) already runs in this namespace; stop it first`);
  }
  await rm(PCSCD_PIDFILE, { force: true });
  await rm(PCSCD_SOCKET, { force: true });
}

/** A recycled PID is checked by name too. */
function processAlive(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'pcscd';
  } catch {
    return false;
  }
}
