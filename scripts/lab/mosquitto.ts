/**
 * Starts a private Mosquitto broker (Debian's /usr/sbin/mosquitto, 2.0.x) for tests: two loopback
 * listeners, an authenticated one with the product's password file and ACL, and an anonymous one for tests
 * about other things; optionally a third, MQTT over WebSocket with the same password file and ACL (what
 * the resident web app connects to). Everything (config, passwords, ACL, persistence db) lives in one
 * temp dir. Mosquitto 2.0.11 refuses to start with a WebSocket listener alone ("Unable to start any
 * listening sockets"); here there is always a TCP listener beside it.
 *
 * Unlike pcscd nothing here has a fixed path or port, so it also runs outside the lab namespace; inside it
 * (scripts/lab/in-lab-ns.sh) the broker is unreachable from the host.
 *
 * Persistence: Mosquitto writes its db only on graceful shutdown and every `autosave_interval` seconds
 * (default 1800). restart() and stop() use SIGTERM, so sessions and queued QoS 1 messages survive them;
 * after a SIGKILL the broker restarts from the last autosave (without one: no session, no message). A
 * crash test passes `extraConfig: 'autosave_interval 1'` and waits until DIR/mosquitto.db's mtime is
 * later than the state it wants kept (the save comes 1 to ~2.5 s later, on whole-second ticks).
 *
 * If the test process itself dies, the broker outlives it (nothing ties its lifetime to ours).
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { freePort } from './pcscd.ts';

const MOSQUITTO = '/usr/sbin/mosquitto';
const MOSQUITTO_PASSWD = '/usr/bin/mosquitto_passwd';
const run = promisify(execFile);

export interface StartMosquittoOptions {
  /** username → password for the authenticated listener. */
  users: Record<string, string>;
  /** ACL file text for the authenticated listener; default productAcl(). */
  acl?: string;
  /** Keep sessions and queued messages in DIR/mosquitto.db across restart(). Default false. */
  persistence?: boolean;
  /** Extra global config lines, written before the listener blocks (e.g. 'autosave_interval 1'). */
  extraConfig?: string;
  /** Give up waiting for the listeners after this long. Default 10 s. */
  readyTimeoutMs?: number;
  /** TLS on the authenticated listener (PEM file paths); a client certificate is required if asked. */
  tls?: { caFile: string; certFile: string; keyFile: string; requireCertificate?: boolean };
  /** Add an authenticated MQTT-over-WebSocket listener (same users and ACL). Default false. */
  websockets?: boolean;
}

export interface MosquittoHandle {
  /** PID of the current broker process (changes on restart()). */
  readonly pid: number;
  /** The authenticated listener (password file + ACL, client id = username). */
  readonly port: number;
  /** The anonymous listener (no ACL). */
  readonly anonymousPort: number;
  /** The WebSocket listener (password file + ACL), when asked for; else undefined. */
  readonly websocketPort: number | undefined;
  /** Temp dir with mosquitto.conf, passwd, acl and the persistence db. */
  readonly dir: string;
  /** SIGTERM (SIGKILL after 5 s), wait for exit, remove dir. Idempotent; also cleans up after kill(). */
  stop(): Promise<void>;
  /** Sends a signal (default SIGKILL) and waits for exit; keeps dir so restart() can follow. */
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** Graceful stop if still running, then a new broker on the same ports, dir and config. */
  restart(): Promise<void>;
  /** Everything the broker printed, across restarts (bounded, for failure messages). */
  output(): string;
}

/** The product's authorization: the cloud hub sees everything, each panel only its own subtree. */
export function productAcl(): string {
  return [
    '# The cloud hub reads and writes every portvakt topic.',
    'user hub',
    'topic readwrite portvakt/v1/#',
    '',
    '# A panel logs in with username = its device id and owns only its subtree (applies to every user).',
    'pattern readwrite portvakt/v1/devices/%u/#',
    '',
  ].join('\n');
}

/**
 * Residents' app devices (username = app device id): read only the calls panels send to them, write
 * only the calls they send to panels (cloud-sync/protocol/call-acl.ts). Mosquitto patterns apply to
 * every user, so the panel subtree pattern above also gives an app device `devices/<its id>/#` — which
 * no panel owns, as long as panel ids never take the app device form (`app-…`).
 */
export function appDeviceAcl(): string {
  return [
    '# A resident app device reads its calls from any panel and writes its answers to any panel.',
    'pattern read portvakt/v1/devices/+/calls/to/%u',
    'pattern write portvakt/v1/devices/+/calls/from/%u',
    '',
  ].join('\n');
}

interface Running {
  readonly child: ChildProcess;
  readonly pid: number;
  readonly exited: Promise<void>;
}

export async function startMosquitto(options: StartMosquittoOptions): Promise<MosquittoHandle> {
  const dir = await mkdtemp(join(tmpdir(), 'portvakt-mosquitto-'));
  const configPath = join(dir, 'mosquitto.conf');
  const readyTimeoutMs = options.readyTimeoutMs ?? 10_000;
  let output = '';
  const collect = (chunk: Buffer): void => {
    output = (output + chunk.toString()).slice(-50_000);
  };

  let current: Running | undefined;
  let port = 0;
  let anonymousPort = 0;
  let websocketPort: number | undefined;
  try {
    await writePasswordFile(join(dir, 'passwd'), options.users);
    await writeFile(join(dir, 'acl'), options.acl ?? productAcl());
    // freePort() only says a port was free a moment ago: retry with new ports if another process won it.
    for (let attempt = 1; ; attempt++) {
      port = await freePort();
      do anonymousPort = await freePort();
      while (anonymousPort === port);
      websocketPort = undefined;
      if (options.websockets) {
        do websocketPort = await freePort();
        while (websocketPort === port || websocketPort === anonymousPort);
      }
      await writeFile(configPath, brokerConfig(dir, { port, anonymousPort, websocketPort }, options));
      const outputBefore = output.length;
      try {
        current = await startBroker(configPath, listening(), readyTimeoutMs, collect, () => output);
        break;
      } catch (err) {
        const portTaken = output.slice(outputBefore).includes('Address already in use');
        if (!portTaken || attempt === 3) throw err;
      }
    }
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw err;
  }

  function listening(): number[] {
    return [port, anonymousPort, ...(websocketPort === undefined ? [] : [websocketPort])];
  }
  let running: Running = current;
  let stopped = false;
  const isRunning = (): boolean => running.child.exitCode === null && running.child.signalCode === null;
  const terminate = async (): Promise<void> => {
    if (!isRunning()) return;
    running.child.kill('SIGTERM');
    const timer = setTimeout(() => running.child.kill('SIGKILL'), 5000);
    await running.exited;
    clearTimeout(timer);
  };

  return {
    get pid() {
      return running.pid;
    },
    port,
    anonymousPort,
    websocketPort,
    dir,
    async stop() {
      stopped = true;
      await terminate();
      await rm(dir, { recursive: true, force: true });
    },
    async kill(signal: NodeJS.Signals = 'SIGKILL') {
      if (isRunning()) running.child.kill(signal);
      await running.exited;
    },
    async restart() {
      if (stopped) throw new Error('mosquitto was stopped (its dir is gone); start a new one');
      await terminate();
      running = await startBroker(configPath, listening(), readyTimeoutMs, collect, () => output);
    },
    output: () => output,
  };
}

function brokerConfig(
  dir: string,
  ports: { port: number; anonymousPort: number; websocketPort: number | undefined },
  options: StartMosquittoOptions,
): string {
  const { port, anonymousPort, websocketPort } = ports;
  const authenticated = [
    'allow_anonymous false',
    // The ACL's %u patterns then also pin the client id, and one login cannot hold two sessions.
    'use_username_as_clientid true',
    `password_file ${join(dir, 'passwd')}`,
    `acl_file ${join(dir, 'acl')}`,
  ];
  return [
    '# Generated by scripts/lab/mosquitto.ts',
    // Each listener gets its own auth settings instead of sharing the global ones.
    'per_listener_settings true',
    // Started as root, Mosquitto drops to user mosquitto, which cannot read this 0700 temp dir.
    'user root',
    'log_dest stderr',
    'log_type error',
    'log_type warning',
    'log_type notice',
    'log_type information',
    'connection_messages true',
    `persistence ${options.persistence ? 'true' : 'false'}`,
    // The trailing slash matters: Mosquitto concatenates location and file name.
    `persistence_location ${dir}/`,
    options.extraConfig ?? '',
    '',
    `listener ${port} 127.0.0.1`,
    ...authenticated,
    ...(options.tls
      ? [
          `cafile ${options.tls.caFile}`,
          `certfile ${options.tls.certFile}`,
          `keyfile ${options.tls.keyFile}`,
          `require_certificate ${options.tls.requireCertificate ? 'true' : 'false'}`,
        ]
      : []),
    '',
    `listener ${anonymousPort} 127.0.0.1`,
    'allow_anonymous true',
    '',
    ...(websocketPort === undefined
      ? []
      : [`listener ${websocketPort} 127.0.0.1`, 'protocol websockets', ...authenticated, '']),
  ].join('\n');
}

async function writePasswordFile(path: string, users: Record<string, string>): Promise<void> {
  // An empty file is a valid password file that admits nobody.
  await writeFile(path, '');
  for (const [username, password] of Object.entries(users)) {
    // The file format is username:hash, so a colon would silently create a different user.
    if (username === '' || username.includes(':'))
      throw new Error(`invalid MQTT username ${JSON.stringify(username)}`);
    await run(MOSQUITTO_PASSWD, ['-b', path, username, password]);
  }
}

async function startBroker(
  configPath: string,
  ports: readonly number[],
  timeoutMs: number,
  collect: (chunk: Buffer) => void,
  output: () => string,
): Promise<Running> {
  const child = spawn(MOSQUITTO, ['-c', configPath], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const spawned = await new Promise<Error | undefined>((resolve) => {
    child.once('spawn', () => resolve(undefined));
    child.once('error', (err) => resolve(err));
  });
  if (spawned || child.pid === undefined)
    throw new Error(`could not start mosquitto: ${spawned?.message ?? 'no pid'}`);

  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(
        `mosquitto exited during startup (${child.exitCode ?? child.signalCode}):\n${output()}`,
      );
    }
    // Mosquitto restores its persistence db before it opens the listeners, so accepting means ready.
    if ((await Promise.all(ports.map(tcpAccepts))).every(Boolean)) return { child, pid: child.pid, exited };
    await sleep(25);
  }
  child.kill('SIGKILL');
  await exited;
  throw new Error(`mosquitto not listening on ${ports.join(', ')} after ${timeoutMs} ms:\n${output()}`);
}

function tcpAccepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
