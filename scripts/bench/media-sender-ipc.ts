/**
 * The IPC loop shared by the two fan-out senders the media bench compares (media-product-fanout.ts,
 * media-bare-fanout.ts). Each runs as its own process so its CPU time (all threads) can be measured.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
export interface FanoutSender {
  open(peerId: string): Promise<string>;
  /** Resolves once the peer is connected (rejects if it is not within ~15 s). */
  answer(peerId: string, sdp: string): Promise<void>;
  close(peerId: string): Promise<void>;
  /** Whatever the sender knows about its peers, for error reports. */
  stats(): Promise<unknown>;
  stop(): Promise<void>;
  /** Other processes doing this sender's work, whose CPU counts too (the product's media process). */
  helperPids?(): Promise<number[]>;
}

const CLOCK_TICKS_PER_S = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;

/** User and system CPU (µs) of another process, from /proc (0 once it is gone). */
function processCpu(pid: number): NodeJS.CpuUsage {
  try {
    // Fields after the parenthesised command name: utime and stime are the 12th and 13th.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const us = (ticks: string | undefined) => (Number(ticks) * 1e6) / CLOCK_TICKS_PER_S;
    return { user: us(fields[11]), system: us(fields[12]) };
  } catch {
    return { user: 0, system: 0 };
  }
}

async function cpuWithHelpers(sender: FanoutSender): Promise<NodeJS.CpuUsage> {
  const total = process.cpuUsage();
  for (const pid of (await sender.helperPids?.()) ?? []) {
    const cpu = processCpu(pid);
    total.user += cpu.user;
    total.system += cpu.system;
  }
  return total;
}

export type SenderCommand =
  | { type: 'open'; peerId: string }
  | { type: 'answer'; peerId: string; sdp: string }
  | { type: 'close'; peerId: string }
  | { type: 'cpu' }
  | { type: 'stats' }
  | { type: 'stop' };

export async function serveSender(start: () => Promise<FanoutSender>): Promise<void> {
  if (!process.send) throw new Error('run through media-fanout.ts (needs an IPC channel)');
  const sender = await start();
  const reply = (id: number, result: unknown) => process.send!({ id, ok: true, result });
  process.on('message', (m: SenderCommand & { id: number }) => {
    const run = async (): Promise<unknown> => {
      if (m.type === 'open') return sender.open(m.peerId);
      if (m.type === 'answer') return sender.answer(m.peerId, m.sdp);
      if (m.type === 'close') return sender.close(m.peerId);
      // All threads of this process, plus its helper processes: for the product, the media process.
      if (m.type === 'cpu') return cpuWithHelpers(sender);
      if (m.type === 'stats') return sender.stats();
      await sender.stop();
      setImmediate(() => process.exit(0));
      return undefined;
    };
    run().then(
      (result) => reply(m.id, result),
      (err: unknown) => process.send!({ id: m.id, ok: false, error: String(err) }),
    );
  });
  process.on('disconnect', () => {
    void sender.stop().finally(() => process.exit(0));
  });
  process.send({ ready: true });
}
