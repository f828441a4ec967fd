/**
 * cpu_per_peer_ratio_vs_bare: what one more video peer costs the panel's media stack, against a bare
 * werift fan-out (media-bare-fanout.ts) measured in the same run. Both senders run as their own process
 * on the same sim camera pipeline (moving bars: ~0.9 Mbit/s, ~110 packets/s); viewers are werift peers in a third process.
 * CPU per peer = (process CPU with 8 peers - with 1 peer) / 7, in % of one core; the product's CPU
 * includes its media process (werift runs there). The ratio cancels out the machine. The gst-launch encoder is a separate process in both and is not counted.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { ReceiverProcess } from './media-receiver-client.ts';
import type { SenderCommand } from './media-sender-ipc.ts';
import { type BenchLine, round, summarize } from './stats.ts';

type Variant = 'product' | 'bare';
const SCRIPTS: Record<Variant, string> = {
  product: new URL('./media-product-fanout.ts', import.meta.url).pathname,
  bare: new URL('./media-bare-fanout.ts', import.meta.url).pathname,
};

class Sender {
  readonly #child: ChildProcess;
  readonly #pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  #nextId = 1;

  private constructor(child: ChildProcess) {
    this.#child = child;
    child.on('message', (m: { id?: number; ok?: boolean; result?: unknown; error?: string }) => {
      const p = m.id === undefined ? undefined : this.#pending.get(m.id);
      if (!p) return;
      this.#pending.delete(m.id!);
      if (m.ok) p.resolve(m.result);
      else p.reject(new Error(m.error));
    });
  }

  static async start(variant: Variant): Promise<Sender> {
    const child = fork(SCRIPTS[variant], [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    await new Promise<void>((resolve, reject) => {
      child.once('message', () => resolve());
      child.once('exit', (code) => reject(new Error(`${variant} sender exited (${code})`)));
    });
    return new Sender(child);
  }

  send(command: SenderCommand): Promise<unknown> {
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      this.#child.send({ ...command, id });
    });
  }

  async cpuMs(): Promise<number> {
    const { user, system } = (await this.send({ type: 'cpu' })) as NodeJS.CpuUsage;
    return (user + system) / 1000;
  }

  async stop(): Promise<void> {
    const exited = new Promise((resolve) => this.#child.once('exit', resolve));
    await this.send({ type: 'stop' }).catch(() => undefined);
    const kill = setTimeout(() => this.#child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(kill);
  }
}

/** % of one core the sender used over `windowMs`. */
async function cpuPercent(sender: Sender, windowMs: number): Promise<number> {
  const cpu0 = await sender.cpuMs();
  const t0 = performance.now();
  await sleep(windowMs);
  const cpu1 = await sender.cpuMs();
  return ((cpu1 - cpu0) / (performance.now() - t0)) * 100;
}

/**
 * Connects one more viewer and waits until video reaches it. A viewer whose own side fails (werift
 * viewers in a loaded process occasionally do) is closed on both sides and replaced, up to 3 attempts;
 * returns how many replacements were needed.
 */
async function connect(side: Side, peerId: string): Promise<number> {
  for (let attempt = 1; ; attempt++) {
    const id = attempt === 1 ? peerId : `${peerId}-${attempt}`;
    const offer = (await side.sender.send({ type: 'open', peerId: id })) as string;
    const answered = side.sender.send({
      type: 'answer',
      peerId: id,
      sdp: await side.viewers.answer(id, offer),
    });
    const ok = await answered.then(
      () => receiving(side.viewers, id),
      () => false,
    );
    if (ok) return attempt - 1;
    await side.viewers.close(id);
    await side.sender.send({ type: 'close', peerId: id }).catch(() => undefined);
    if (attempt === 3) throw new Error(`${side.variant}: viewer ${peerId} did not get video in 3 attempts`);
  }
}

async function receiving(viewers: ReceiverProcess, peerId: string): Promise<boolean> {
  const end = performance.now() + 10_000;
  while (performance.now() < end) {
    const s = await viewers.peer(peerId);
    if (s.state === 'failed' || s.state === 'closed') return false;
    if (s.videoPackets > 0) return true;
    await sleep(100);
  }
  return false;
}

interface Side {
  variant: Variant;
  sender: Sender;
  viewers: ReceiverProcess;
}

async function startSide(variant: Variant): Promise<Side> {
  const sender = await Sender.start(variant);
  return {
    variant,
    sender,
    viewers: await ReceiverProcess.start().catch(async (err) => {
      await sender.stop();
      throw err;
    }),
  };
}

async function stopSide(side: Side | undefined): Promise<void> {
  await side?.viewers.stop();
  await side?.sender.stop();
}

/**
 * One run: both senders at once, so whatever else the machine is doing weighs on both alike; CPU over
 * the same window with 1 peer each, then with `peers` each. Returns CPU % per variant: [one, many].
 */
async function run(
  peers: number,
  windowMs: number,
  retries: Record<Variant, number>,
): Promise<Record<Variant, [number, number]>> {
  let product: Side | undefined;
  let bare: Side | undefined;
  try {
    product = await startSide('product');
    bare = await startSide('bare');
    const sides = [product, bare];
    await Promise.all(sides.map((s) => connect(s, 'v0').then((n) => (retries[s.variant] += n))));
    await sleep(3000); // keyframe, DTLS and JIT warm-up out of the window
    const one = await Promise.all(sides.map((s) => cpuPercent(s.sender, windowMs)));
    for (let i = 1; i < peers; i++) {
      await Promise.all(sides.map((s) => connect(s, `v${i}`).then((n) => (retries[s.variant] += n))));
    }
    await sleep(3000);
    const many = await Promise.all(sides.map((s) => cpuPercent(s.sender, windowMs)));
    for (const side of sides) {
      const viewers = await side.viewers.stats();
      if (Object.values(viewers).some((v) => v.videoPackets < 50)) {
        const sender = await side.sender.send({ type: 'stats' });
        throw new Error(
          `${side.variant}: a viewer got no video\nviewers: ${JSON.stringify(viewers)}\nsender: ${JSON.stringify(sender)}`,
        );
      }
    }
    return { product: [one[0]!, many[0]!], bare: [one[1]!, many[1]!] };
  } finally {
    await stopSide(product);
    await stopSide(bare);
  }
}

export async function benchMediaFanout(options: { runs?: number; windowMs?: number; peers?: number } = {}) {
  const runs = options.runs ?? 5;
  const windowMs = options.windowMs ?? 10_000;
  const peers = options.peers ?? 8;
  const perPeer: Record<Variant, number[]> = { product: [], bare: [] };
  const base: Record<Variant, number[]> = { product: [], bare: [] };
  const ratios: number[] = [];
  const retries: Record<Variant, number> = { product: 0, bare: 0 };
  for (let i = 0; i < runs; i++) {
    const result = await run(peers, windowMs, retries);
    for (const variant of ['product', 'bare'] as const) {
      const [one, many] = result[variant];
      perPeer[variant].push((many - one) / (peers - 1));
      base[variant].push(one);
    }
    ratios.push(perPeer.product.at(-1)! / perPeer.bare.at(-1)!);
  }
  const median = (xs: number[]) => summarize(xs).p50;
  const note = `VP8 640x480@30 ~1 Mbit/s + Opus; CPU of the sender process, 1 vs ${peers} werift viewers, median of ${runs}`;
  const lines: BenchLine[] = [
    {
      metric: 'cpu_per_peer_ratio_vs_bare',
      value: round(median(ratios), 2),
      unit: 'ratio',
      runs: ratios.map((r) => round(r, 2)).join(' '),
      viewer_retries: retries.product + retries.bare,
      target: 1.1,
      note,
    },
    {
      metric: 'media_cpu_per_peer_pct',
      value: round(median(perPeer.product), 2),
      unit: '% of a core',
      one_peer_pct: round(median(base.product), 1),
      note: 'MediaEngine (panel side + media process)',
    },
    {
      metric: 'bare_werift_cpu_per_peer_pct',
      value: round(median(perPeer.bare), 2),
      unit: '% of a core',
      one_peer_pct: round(median(base.bare), 1),
      note: 'werift fan-out on the main thread, nothing else',
    },
  ];
  return lines;
}

if (import.meta.main) {
  for (const line of await benchMediaFanout()) console.log(JSON.stringify(line));
}
