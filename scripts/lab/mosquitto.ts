/**
 * Starts a private Mosquitto broker (Debian's /usr/sbin/mosquitto, 2.0.x) for tests, from the shipped
 * deployment deploy/mosquitto/mosquitto.conf as written, with only these substitutions (deploy/mosquitto/
 * README.md lists them too):
 *   - paths: /etc/mosquitto/portvakt/, /var/lib/mosquitto/, /run/mosquitto/ → one temp dir; the log goes
 *     to stderr (collected for failure messages) instead of /var/log/mosquitto/;
 *   - ports: `listener 8883` / `listener 8884` → free loopback ports (`port`, `websocketPort`);
 *   - `user mosquitto` → `user root` when the tests run as root (the temp dir is root's, mode 0700);
 *   - TLS: a test's own PKI (options.tls) is copied in as ca.crt/broker.crt/broker.key; a test without one
 *     gets plain MQTT on loopback (the certificate and tls_version lines are left out);
 *   - `persistence true` only when asked (options.persistence); options.extraConfig goes before the
 *     first listener.
 * The ACL is the shipped deploy/mosquitto/acl plus one provisioning block per panel user
 * (broker-rights.ts), the password file holds `users`, and the dynamic security plugin starts from the
 * shipped dynamic-security.json: the hub admits residents' app devices there (cloud-sync/broker/
 * mosquitto-dynsec.ts).
 *
 * Unlike pcscd nothing here has a fixed path or port, so it also runs outside the lab namespace; inside it
 * (scripts/lab/in-lab-ns.sh) the broker is unreachable from the host.
 *
 * Persistence: Mosquitto writes its db only on graceful shutdown and every `autosave_interval` seconds.
 * restart() and stop() use SIGTERM, so sessions and queued QoS 1 messages survive them;
 * after a SIGKILL the broker restarts from the last autosave (without one: no session, no message). A
 * crash test passes `extraConfig: 'autosave_interval 1'` and waits until DIR/mosquitto.db's mtime is
 * later than the state it wants kept (the save comes 1 to ~2.5 s later, on whole-second ticks).
 *
 * If the test process itself dies, the broker outlives it (nothing ties its lifetime to ours).
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { panelAclLines } from '../../cloud-sync/protocol/broker-rights.ts';
import { freePort } from './free-port.ts';
import { labConfig, shippedFile } from './mosquitto-config.ts';

const MOSQUITTO = '/usr/sbin/mosquitto';
const MOSQUITTO_PASSWD = '/usr/bin/mosquitto_passwd';
const run = promisify(execFile);

export interface StartMosquittoOptions {
  /** username → password for the password file: the hub (`hub`), panels, and test-only users. */
  users: Record<string, string>;
  /** The whole ACL file text; default productAcl() for the panel users among `users`. */
  acl?: string;
  /** Lines appended to the default ACL (test-only users). */
  extraAcl?: string;
  /** Keep sessions and queued messages in DIR/mosquitto.db across restart(). Default false. */
  persistence?: boolean;
  /** Extra global config lines, written before the listener blocks (e.g. 'autosave_interval 1'). */
  extraConfig?: string;
  /** Give up waiting for the listeners after this long. Default 10 s. */
  readyTimeoutMs?: number;
  /** TLS on the listeners (PEM file paths); without it plain MQTT on loopback. */
  tls?: { caFile: string; certFile: string; keyFile: string; requireCertificate?: boolean };
  /** Start the shipped MQTT-over-WebSocket listener too (same users and ACL). Default false. */
  websockets?: boolean;
}

export interface MosquittoHandle {
  /** PID of the current broker process (changes on restart()). */
  readonly pid: number;
  /** The MQTT listener (password file + ACL + dynamic security, client id = username). */
  readonly port: number;
  /** The WebSocket listener (password file + ACL), when asked for; else undefined. */
  readonly websocketPort: number | undefined;
  /** Temp dir with mosquitto.conf, passwd, acl, dynamic-security.json and the persistence db. */
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

/** The hub's login in the lab (the shipped ACL names it). */
export const LAB_HUB_USER = 'hub';

/**
 * The shipped ACL (deploy/mosquitto/acl: the hub's rights) plus each panel's provisioning block
 * (broker-rights.ts), as an installer builds it.
 */
export function productAcl(panelIds: readonly string[]): string {
  return [shippedFile('acl'), ...panelIds.map((id) => panelAclLines(id))].join('\n');
}

/** Users that are panels: not the hub, not a resident's app device (those live in dynamic security). */
function panelUsers(users: Record<string, string>): string[] {
  return Object.keys(users).filter((u) => u !== LAB_HUB_USER && !u.startsWith('app-'));
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
  let websocketPort: number | undefined;
  try {
    await writePasswordFile(join(dir, 'passwd'), options.users);
    await writeFile(
      join(dir, 'acl'),
      options.acl ?? productAcl(panelUsers(options.users)) + (options.extraAcl ?? ''),
    );
    await writeFile(join(dir, 'dynamic-security.json'), shippedFile('dynamic-security.json'));
    if (options.tls) {
      await copyFile(options.tls.caFile, join(dir, 'ca.crt'));
      await copyFile(options.tls.certFile, join(dir, 'broker.crt'));
      await copyFile(options.tls.keyFile, join(dir, 'broker.key'));
    }
    const shipped = shippedFile('mosquitto.conf');
    // freePort() only says a port was free a moment ago: retry with new ports if another process won it.
    for (let attempt = 1; ; attempt++) {
      port = await freePort();
      websocketPort = undefined;
      if (options.websockets) {
        do websocketPort = await freePort();
        while (websocketPort === port);
      }
      const config = labConfig(shipped, {
        dir,
        port,
        websocketPort,
        tls: options.tls !== undefined,
        requireCertificate: options.tls?.requireCertificate ?? false,
        persistence: options.persistence ?? false,
        extraConfig: options.extraConfig ?? '',
        asRoot: process.getuid?.() === 0,
      });
      await writeFile(configPath, config);
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
    return [port, ...(websocketPort === undefined ? [] : [websocketPort])];
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
