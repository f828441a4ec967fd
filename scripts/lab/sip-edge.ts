/**
 * Starts the SIP edge for tests, the simulator and benchmarks: Debian's Kamailio 5.6 with the shipped
 * deploy/sip/kamailio.cfg as written — only `-A NAME=value` defines, as an operator sets them — on free
 * loopback ports, with a fresh SQLite database made from deploy/sip/edge-schema.sql. The lab writes the
 * database itself (addSubscriber / addRoute); in production the hub does.
 *
 * Plain WebSocket (loopback) is always on; WSS only when `tls` is given. Stopped by PID (SIGTERM, then
 * SIGKILL); if the test process dies, the lab namespace (scripts/lab/in-lab-ns.sh) ends it.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { freePort, freeTcpAndUdpPort } from './free-port.ts';
import { sipRequest } from './sip-udp.ts';
import { until } from './until.ts';

export const KAMAILIO = '/usr/sbin/kamailio';
const SIP_DIR = fileURLToPath(new URL('../../deploy/sip/', import.meta.url));
export const EDGE_CFG = join(SIP_DIR, 'kamailio.cfg');
export const EDGE_SCHEMA = join(SIP_DIR, 'edge-schema.sql');
export const LAB_SIP_DOMAIN = 'lab.portvakt.test';

export type SipRole = 'panel' | 'phone';

export interface StartSipEdgeOptions {
  /** WSS with these PEM files (certificate for 127.0.0.1 and its key). */
  tls?: { certFile: string; keyFile: string };
  /** Call length limit (MAX_CALL_S). Default: the cfg's. */
  maxCallS?: number;
  /** Ring time limit in ms (RING_TIMEOUT_MS). Default: the cfg's. */
  ringTimeoutMs?: number;
  /** Where unregistered numbers go (TRUNK_URI). Default: nowhere (404). */
  trunkUri?: string;
  /** Extra defines, NAME=value. */
  defines?: string[];
  readyTimeoutMs?: number;
  /**
   * Use this database file (created from the schema if new; WAL, as the hub opens it) instead of a fresh
   * one in a temp dir, and keep it at stop: the simulator's edge reads the database its hub writes.
   */
  dbPath?: string;
  /** The SIP domain (digest realm). Default LAB_SIP_DOMAIN. */
  domain?: string;
  /**
   * The address every listener binds to (default 127.0.0.1): the WAN lab's servers address when the edge
   * runs in its inet namespace (a process started there calls this; the OPTIONS probe is sent from there).
   */
  address?: string;
}

export interface SipEdgeHandle {
  readonly pid: number;
  readonly domain: string;
  /** UDP and TCP, for phones (baresip, sipp). */
  readonly sipPort: number;
  /** ws://127.0.0.1:wsPort for panels in the lab. */
  readonly wsUrl: string;
  /** wss://127.0.0.1:… when started with tls. */
  readonly wssUrl: string | undefined;
  readonly dbPath: string;
  /** Resolves when Kamailio has exited (asked to or not). */
  readonly exited: Promise<void>;
  addSubscriber(username: string, password: string, role: SipRole): void;
  addRoute(panelUsername: string, number: string): void;
  removeRoute(panelUsername: string, number: string): void;
  /** SIGTERM (SIGKILL after 5 s), wait for exit, remove the temp dir. Idempotent. */
  stop(): Promise<void>;
  /** Everything Kamailio printed (bounded), for failure messages. */
  output(): string;
}

export function ha1(username: string, domain: string, password: string): string {
  return createHash('md5').update(`${username}:${domain}:${password}`).digest('hex');
}

/**
 * Free ports are probed, then bound by Kamailio a moment later: another test's socket (an RTP leg's UDP
 * port) may take one meanwhile. Kamailio then exits with "Address already in use"; new ports are tried.
 */
export async function startSipEdge(options: StartSipEdgeOptions = {}): Promise<SipEdgeHandle> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startSipEdgeOnce(options);
    } catch (err) {
      if (attempt === 3 || !String(err).includes('Address already in use')) throw err;
    }
  }
}

async function startSipEdgeOnce(options: StartSipEdgeOptions): Promise<SipEdgeHandle> {
  const dir = await mkdtemp(join(tmpdir(), 'portvakt-sip-edge-'));
  const dbPath = options.dbPath ?? join(dir, 'edge.db');
  const db = new Database(dbPath);
  // WAL as the hub's connection has it (lib/sqlite/open.ts): Kamailio reads while the hub writes.
  if (options.dbPath) db.pragma('journal_mode = WAL');
  db.exec(await readFile(EDGE_SCHEMA, 'utf8'));
  const domain = options.domain ?? LAB_SIP_DOMAIN;
  const sipPort = await freeTcpAndUdpPort();
  const wsPort = await freePort();
  const wssPort = options.tls ? await freePort() : undefined;
  const address = options.address ?? '127.0.0.1';
  const defines = [
    `DOMAIN="${domain}"`,
    `SIP_ADDR="${address}"`,
    `SIP_PORT=${sipPort}`,
    'WITH_PLAIN_WS',
    `WS_PORT=${wsPort}`,
    `DB_URL="sqlite://${dbPath}"`,
    ...(options.tls && wssPort !== undefined
      ? [
          'WITH_WSS',
          `WSS_ADDR="${address}"`,
          `WSS_PORT=${wssPort}`,
          `TLS_CERT="${options.tls.certFile}"`,
          `TLS_KEY="${options.tls.keyFile}"`,
        ]
      : []),
    ...(options.maxCallS === undefined ? [] : [`MAX_CALL_S=${options.maxCallS}`]),
    ...(options.ringTimeoutMs === undefined ? [] : [`RING_TIMEOUT_MS=${options.ringTimeoutMs}`]),
    ...(options.trunkUri === undefined ? [] : [`TRUNK_URI="${options.trunkUri}"`]),
    // Every lab client is 127.0.0.1: the flood guard would count a whole test file as one flood.
    ...((options.defines ?? []).some((d) => d.startsWith('PIKE_')) ? [] : ['PIKE_REQS_PER_2S=100000']),
    ...(options.defines ?? []),
  ];
  const args = [
    '-f',
    EDGE_CFG,
    '-DD',
    '-E',
    '-Y',
    dir,
    '-m',
    '32',
    '-M',
    '8',
    ...defines.flatMap((d) => ['-A', d]),
  ];
  let output = '';
  const child: ChildProcess = spawn(KAMAILIO, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const collect = (chunk: Buffer): void => {
    output = (output + chunk.toString()).slice(-50_000);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const running = (): boolean => child.exitCode === null && child.signalCode === null;
  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    if (running()) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    }
    db.close();
    await rm(dir, { recursive: true, force: true });
  };
  try {
    if (child.pid === undefined) throw new Error('could not start kamailio');
    await until(
      async () => {
        if (!running()) throw new Error(`kamailio exited during startup:\n${output}`);
        try {
          const r = await sipRequest(
            { address, port: sipPort },
            {
              method: 'OPTIONS',
              uri: `sip:${address}:${sipPort}`,
              fromUser: 'lab',
              toUser: 'lab',
              domain,
              timeoutMs: 300,
            },
          );
          return r.status === 200;
        } catch {
          return false;
        }
      },
      'the SIP edge to answer OPTIONS',
      options.readyTimeoutMs ?? 10_000,
      50,
    );
  } catch (err) {
    await stop();
    throw new Error(`${err instanceof Error ? err.message : String(err)}\n${output}`);
  }
  const pid = child.pid;
  return {
    pid,
    domain,
    sipPort,
    wsUrl: `ws://${address}:${wsPort}`,
    wssUrl: wssPort === undefined ? undefined : `wss://${address}:${wssPort}`,
    dbPath,
    exited,
    addSubscriber(username, password, role) {
      db.prepare('INSERT INTO subscriber (username, domain, ha1, role) VALUES (?, ?, ?, ?)').run(
        username,
        domain,
        ha1(username, domain, password),
        role,
      );
    },
    addRoute(panelUsername, number) {
      db.prepare('INSERT INTO panel_route (username, number) VALUES (?, ?)').run(panelUsername, number);
    },
    removeRoute(panelUsername, number) {
      db.prepare('DELETE FROM panel_route WHERE username = ? AND number = ?').run(panelUsername, number);
    },
    stop,
    output: () => output,
  };
}
