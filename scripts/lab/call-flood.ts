/**
 * A resident's app login flooding a panel's call topic: batches of junk call messages (valid JSON naming
 * no call in progress, so each is refused) published back to back with `mosquitto_pub -l`, QoS 0. One
 * niced shell runs the batches: spawning each from the caller would fork from (and block) the event loop
 * being measured, and on a real site the attacker is another machine, so it must not take the panel's
 * CPU here. Used by the flood test and the flood benchmark.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { callTopic } from '../../cloud-sync/protocol/calls.ts';
import { until } from './until.ts';

export interface CallFloodOptions {
  brokerPort: number;
  panelId: string;
  /** The attacker's app device login (already admitted to the broker). */
  appDeviceId: string;
  password: string;
  /** Where the batch file goes. */
  dir: string;
  batch: number;
  /** Pins the flooder to this core (a benchmark keeps the panel's core for the panel). */
  cpu?: number;
  /** Pause between batches (default none: back to back); each batch is then one burst. */
  pauseMs?: number;
  /** Told when each batch starts and when it has all been handed to the broker (performance.now()). */
  onBatch?: (edge: 'start' | 'end', at: number) => void;
}

export interface CallFlood {
  /** Messages in the batches completed so far. */
  sent(): number;
  /** Waits for at least one whole batch, stops the flooder (its process group), returns the messages sent. */
  stop(): Promise<number>;
}

export function startCallFlood(o: CallFloodOptions): CallFlood {
  const file = join(o.dir, 'junk.txt');
  const junk = (i: number) =>
    JSON.stringify({
      protocol: 1,
      type: 'open',
      callId: `0190a8c0-0000-7000-8000-${String(i).padStart(12, '0')}`,
    });
  writeFileSync(file, `${Array.from({ length: o.batch }, (_, i) => junk(i)).join('\n')}\n`);
  const pub = [
    ...['mosquitto_pub', '-h', '127.0.0.1', '-p', String(o.brokerPort)],
    ...['-u', o.appDeviceId, '-P', o.password, '-i', o.appDeviceId, '-V', 'mqttv5', '-q', '0'],
    ...['-t', callTopic(o.panelId, 'from', o.appDeviceId), '-l'],
  ].join(' ');
  const pause = o.pauseMs ? `; sleep ${o.pauseMs / 1000}` : '';
  const script = `while :; do echo start; ${pub} < '${file}' || exit 1; echo sent${pause}; done`;
  const loop = ['nice', '-n', '19', 'sh', '-c', script];
  const [command, ...args] = o.cpu === undefined ? loop : ['taskset', '-c', String(o.cpu), ...loop];
  const child: ChildProcess = spawn(command!, args, { stdio: ['ignore', 'pipe', 'inherit'], detached: true });
  let sent = 0;
  child.stdout?.on('data', (d: Buffer) => {
    const at = performance.now();
    for (const word of d.toString().split(/\s+/)) {
      if (word === 'sent') sent += o.batch;
      if (word === 'start' || word === 'sent') o.onBatch?.(word === 'start' ? 'start' : 'end', at);
    }
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const failed = () => (child.exitCode !== null ? `the flooder exited with ${child.exitCode}` : undefined);
  return {
    sent: () => sent,
    async stop() {
      await until(() => sent > 0 || failed() !== undefined, 'a whole batch of junk published', 60_000);
      const failure = failed();
      if (failure) throw new Error(failure);
      process.kill(-child.pid!, 'SIGTERM');
      await exited;
      return sent;
    },
  };
}
