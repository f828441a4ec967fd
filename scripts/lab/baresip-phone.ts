/**
 * A resident's phone for the lab: Debian's baresip 1.0 registered at the SIP edge as a number (UDP), with
 * no audio device (it plays a WAV file, or silence, and discards what it hears), driven over ctrl_tcp
 * (netstring JSON): send a digit (RFC 4733, `sndcode`), answer, hang up; its events (incoming,
 * established, closed) are collected. Started on free loopback ports, stopped by PID.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createConnection, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, freeTcpAndUdpPort } from './free-port.ts';
import { until } from './until.ts';

const BARESIP = '/usr/bin/baresip';

export interface BaresipPhoneOptions {
  /** The number it registers as (E.164; also its login at the edge). */
  number: string;
  password: string;
  domain: string;
  /** The edge's UDP port on 127.0.0.1. */
  edgePort: number;
  /** Answer by itself (default true); else call answer(). */
  autoAnswer?: boolean;
  /** An 8 kHz mono s16 WAV to send; default a minute of silence. baresip 1.0 hangs up at its end. */
  wavFile?: string;
  /**
   * Record every call's audio here (baresip's sndfile module): `dump-…-dec.wav` is what the phone heard,
   * `…-enc.wav` what it sent; 8 kHz mono s16, complete once the call has ended.
   */
  recordDir?: string;
  /** Called with each ctrl_tcp event as it arrives. */
  onEvent?: (event: BaresipEvent) => void;
}

export type BaresipEventType =
  | 'CALL_INCOMING'
  | 'CALL_RINGING'
  | 'CALL_ESTABLISHED'
  | 'CALL_CLOSED'
  | 'REGISTER_OK'
  | 'REGISTER_FAIL'
  | string;

export interface BaresipEvent {
  type: BaresipEventType;
  param?: string;
  [key: string]: unknown;
}

export interface BaresipPhone {
  readonly pid: number;
  readonly events: readonly BaresipEvent[];
  /** Waits for an event of this type (the n-th, default the first). */
  waitFor(type: BaresipEventType, timeoutMs?: number, nth?: number): Promise<BaresipEvent>;
  sendDigit(digit: string): void;
  answer(): void;
  hangup(): void;
  stop(): Promise<void>;
  output(): string;
}

/** 8 kHz mono s16 silence (baresip's aufile source ends the call at the end of its file). */
export function silenceWav(seconds = 60): Buffer {
  const samples = 8000 * seconds;
  const data = Buffer.alloc(samples * 2);
  const header = Buffer.alloc(44);
  header.write('RIFF', 0);
  header.writeUInt32LE(36 + data.length, 4);
  header.write('WAVEfmt ', 8);
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20);
  header.writeUInt16LE(1, 22);
  header.writeUInt32LE(8000, 24);
  header.writeUInt32LE(8000 * 2, 28);
  header.writeUInt16LE(2, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36);
  header.writeUInt32LE(data.length, 40);
  return Buffer.concat([header, data]);
}

/** How often a start that lost its probed port to another process is retried with new ports. */
const PORT_RACE_RETRIES = 3;

export async function startBaresipPhone(options: BaresipPhoneOptions): Promise<BaresipPhone> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(options);
    } catch (err) {
      // A probed port is only free until someone binds it; parallel tests bind UDP ports all the time.
      if (attempt >= PORT_RACE_RETRIES || !(err instanceof PortTakenError)) throw err;
    }
  }
}

class PortTakenError extends Error {}

async function startOnce(options: BaresipPhoneOptions): Promise<BaresipPhone> {
  const dir = await mkdtemp(join(tmpdir(), 'portvakt-baresip-'));
  const sipPort = await freeTcpAndUdpPort();
  const ctrlPort = await freePort();
  const wav = options.wavFile ?? join(dir, 'silence.wav');
  if (!options.wavFile) await writeFile(wav, silenceWav());
  const rtpBase = 20000 + ((sipPort * 7) % 20000);
  await writeFile(
    join(dir, 'config'),
    [
      'poll_method epoll',
      `sip_listen 127.0.0.1:${sipPort}`,
      'sip_trans_def udp',
      'call_local_timeout 120',
      'call_max_calls 4',
      'audio_player aubridge,nil',
      `audio_source aufile,${wav}`,
      'audio_alert aubridge,nil',
      'audio_level no',
      `rtp_ports ${rtpBase}-${rtpBase + 20}`,
      'rtp_timeout 0',
      'dns_server 127.0.0.1:53',
      'module_path /usr/lib/baresip/modules',
      'module g711.so',
      'module aufile.so',
      'module aubridge.so',
      'module ctrl_tcp.so',
      ...(options.recordDir ? ['module sndfile.so', `snd_path ${options.recordDir}`] : []),
      'module_app account.so',
      'module_app menu.so',
      `ctrl_tcp_listen 127.0.0.1:${ctrlPort}`,
      'net_interface 127.0.0.1',
      '',
    ].join('\n'),
  );
  const answermode = options.autoAnswer === false ? 'manual' : 'auto';
  await writeFile(
    join(dir, 'accounts'),
    `<sip:${options.number}@${options.domain}>;auth_user=${options.number};auth_pass=${options.password};` +
      `outbound="sip:127.0.0.1:${options.edgePort};transport=udp";regint=300;answermode=${answermode};` +
      'audio_codecs=PCMU,PCMA;ptime=20\n',
  );
  let output = '';
  const child: ChildProcess = spawn(BARESIP, ['-f', dir], { stdio: ['ignore', 'pipe', 'pipe'] });
  const collect = (chunk: Buffer): void => {
    output = (output + chunk.toString()).slice(-50_000);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const running = (): boolean => child.exitCode === null && child.signalCode === null;
  const events: BaresipEvent[] = [];
  let ctrl: Socket | undefined;
  let stopped = false;

  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    ctrl?.destroy();
    if (running()) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
      await exited;
      clearTimeout(timer);
    }
    await rm(dir, { recursive: true, force: true });
  };

  try {
    ctrl = await until(
      async () => {
        if (!running()) throw new Error(`baresip exited during startup:\n${output}`);
        return connectCtrl(ctrlPort);
      },
      'baresip ctrl_tcp',
      10_000,
      50,
    );
    readNetstrings(ctrl, (json) => {
      const msg = JSON.parse(json) as { event?: boolean; type?: string; param?: string };
      if (msg.event && msg.type) {
        events.push(msg as BaresipEvent);
        options.onEvent?.(msg as BaresipEvent);
      }
    });
    // It registers at once, often before ctrl_tcp is connected, so its REGISTER_OK event may be lost:
    // the status line it prints is the signal.
    const registered = `${options.number}@${options.domain}: {0/UDP/v4} 200 OK`;
    await until(() => {
      if (events.some((e) => e.type === 'REGISTER_FAIL'))
        throw new Error(`baresip could not register:\n${output}`);
      return output.includes(registered) || events.some((e) => e.type === 'REGISTER_OK');
    }, `baresip to register as ${options.number}`);
  } catch (err) {
    const printed = output;
    await stop();
    const message = `${err instanceof Error ? err.message : String(err)}\nbaresip printed:\n${printed}`;
    throw printed.includes('Address already in use') ? new PortTakenError(message) : new Error(message);
  }
  const control = ctrl;
  const send = (command: string, params?: string): void => {
    const json = JSON.stringify(params === undefined ? { command } : { command, params });
    control.write(`${Buffer.byteLength(json)}:${json},`);
  };
  return {
    pid: child.pid ?? 0,
    events,
    waitFor: (type, timeoutMs = 10_000, nth = 1) =>
      until(
        () => events.filter((e) => e.type === type)[nth - 1],
        `baresip event ${type}${nth > 1 ? ` #${nth}` : ''}`,
        timeoutMs,
      ),
    sendDigit: (digit) => send('sndcode', digit),
    answer: () => send('accept'),
    hangup: () => send('hangup'),
    stop,
    output: () => output,
  };
}

function connectCtrl(port: number): Promise<Socket | false> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.once('connect', () => resolve(socket));
    socket.once('error', () => resolve(false));
  });
}

/** ctrl_tcp frames every message as a netstring: `<length>:<bytes>,`. */
function readNetstrings(socket: Socket, onMessage: (text: string) => void): void {
  let buffer = Buffer.alloc(0);
  socket.on('data', (chunk: Buffer) => {
    buffer = Buffer.concat([buffer, chunk]);
    for (;;) {
      const colon = buffer.indexOf(':');
      if (colon < 0) return;
      const length = Number(buffer.subarray(0, colon).toString());
      if (!Number.isInteger(length) || buffer.length < colon + 1 + length + 1) return;
      const text = buffer.subarray(colon + 1, colon + 1 + length).toString();
      buffer = buffer.subarray(colon + 1 + length + 1);
      try {
        onMessage(text);
      } catch {
        // A line we cannot parse is not an event.
      }
    }
  });
}
