/**
 * Runs a sipp scenario (test/sip/scenarios/*.xml; Debian's sip-tester) as a resident's phone: registered
 * at the SIP edge as a number (a REGISTER sent for it, Contact = sipp's port), answering one call on a
 * free loopback port. Or reached as the edge's trunk. The run ends with the scenario (exit code 0 = every step happened as written).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freeTcpAndUdpPort } from './free-port.ts';
import { sipRequest } from './sip-udp.ts';
import { until } from './until.ts';

const SIPP = '/usr/bin/sipp';
export const SCENARIO_DIR = fileURLToPath(new URL('../../test/sip/scenarios/', import.meta.url));

export interface SippUasOptions {
  /** File name in test/sip/scenarios/ (or an absolute path). */
  scenario: string;
  /**
   * Register at this edge as `number` (a `phone` subscriber with `password`), so the edge routes the
   * number here. Without it sipp is reached some other way (e.g. as the edge's TRUNK_URI).
   */
  register?: { edge: { sipPort: number; domain: string }; number: string; password: string };
  /** sipp -set variables, usable as [$name] in the scenario. */
  vars?: Record<string, string>;
  /** Bound on the whole scenario. Default 20 s. */
  timeoutS?: number;
  /** sipp's working directory: where a scenario finds the files it names (play_pcap_audio). */
  cwd?: string;
}

export interface SippResult {
  code: number | null;
  output: string;
  errors: string;
}

export interface SippUas {
  readonly pid: number;
  readonly port: number;
  /** Resolves when sipp exits. */
  readonly done: Promise<SippResult>;
  stop(): Promise<void>;
}

export async function startSippUas(options: SippUasOptions): Promise<SippUas> {
  const port = await freeTcpAndUdpPort();
  const mediaPort = await freeTcpAndUdpPort();
  const scenario = options.scenario.startsWith('/') ? options.scenario : join(SCENARIO_DIR, options.scenario);
  const errorFile = join(process.env['TMPDIR'] ?? '/tmp', `sipp-${port}-errors.log`);
  const args = [
    ...['-sf', scenario, '-i', '127.0.0.1', '-p', String(port), '-mp', String(mediaPort)],
    ...['-m', '1', '-nostdin', '-trace_err', '-error_file', errorFile],
    ...['-timeout', `${options.timeoutS ?? 20}s`, '-timeout_error'],
    ...Object.entries(options.vars ?? {}).flatMap(([k, v]) => ['-set', k, v]),
  ];
  let output = '';
  const child: ChildProcess = spawn(SIPP, args, { stdio: ['ignore', 'pipe', 'pipe'], cwd: options.cwd });
  const collect = (chunk: Buffer): void => {
    output = (output + chunk.toString()).slice(-20_000);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const done = new Promise<SippResult>((resolve) =>
    child.once('exit', (code) => {
      void readFile(errorFile, 'utf8')
        .catch(() => '')
        .then((errors) => resolve({ code, output, errors }));
    }),
  );
  const running = (): boolean => child.exitCode === null && child.signalCode === null;
  const stop = async (): Promise<void> => {
    if (running()) child.kill('SIGKILL');
    await done;
  };
  try {
    await until(async () => {
      if (!running()) throw new Error(`sipp exited during startup:\n${output}`);
      return udpBound(port);
    }, `sipp to listen on UDP ${port}`);
    if (options.register) await registerAs(options.register, port);
  } catch (err) {
    await stop();
    throw err;
  }
  return { pid: child.pid ?? 0, port, done, stop };
}

async function registerAs(options: NonNullable<SippUasOptions['register']>, port: number): Promise<void> {
  // Replace the number's bindings (an earlier sipp's would be forked to as well).
  const register = (contact: string, expires: number) =>
    sipRequest(
      { address: '127.0.0.1', port: options.edge.sipPort },
      {
        method: 'REGISTER',
        uri: `sip:${options.edge.domain}`,
        fromUser: options.number,
        toUser: options.number,
        domain: options.edge.domain,
        auth: { username: options.number, password: options.password },
        headers: [`Contact: ${contact}`, `Expires: ${expires}`],
      },
    );
  for (const [contact, expires] of [
    ['*', 0],
    [`<sip:${options.number}@127.0.0.1:${port}>`, 300],
  ] as const) {
    const r = await register(contact, expires);
    if (r.status !== 200) throw new Error(`REGISTER for sipp refused: ${r.status} ${r.reason}`);
  }
}

/** Whether a UDP socket is bound to 127.0.0.1:port (/proc/net/udp: local address as hex IP:port). */
async function udpBound(port: number): Promise<boolean> {
  const table = await readFile('/proc/net/udp', 'utf8');
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  return table.split('\n').some((line) => line.trim().split(/\s+/)[1]?.endsWith(`:${hexPort}`));
}
