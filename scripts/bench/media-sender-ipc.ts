/**
 * The IPC loop shared by the two fan-out senders the media bench compares (media-product-fanout.ts,
 * media-bare-fanout.ts). Each runs as its own process so its CPU time (all threads) can be measured.
 */
export interface FanoutSender {
  open(peerId: string): Promise<string>;
  /** Resolves once the peer is connected (rejects if it is not within ~15 s). */
  answer(peerId: string, sdp: string): Promise<void>;
  close(peerId: string): Promise<void>;
  /** Whatever the sender knows about its peers, for error reports. */
  stats(): Promise<unknown>;
  stop(): Promise<void>;
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
      // All threads of the process: for the product that is the main thread plus the media worker.
      if (m.type === 'cpu') return process.cpuUsage();
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
