/**
 * Viewers for media tests and the media benchmarks: werift peers (media-receiver.ts) that answer the
 * panel's offers, in a process of their own (forked with an IPC channel) so their SRTP work is not
 * counted against, or slowing down, the process under test. Offers come over IPC ('answer'), or, for
 * app devices logged in to the panel's broker ('app-devices'), over MQTT as in production.
 *
 * Commands (process.send) get one reply each: { id, ok, result | error }.
 */
import { type AppDeviceLogins, connectAppDevices } from './app-device-viewers.ts';
import { Receiver } from './media-receiver.ts';

export type { ReceiverPeerStats } from './media-receiver.ts';

export type ReceiverCommand =
  | { type: 'answer'; peerId: string; offer: string }
  | { type: 'stats' }
  | { type: 'pli'; peerId: string }
  | { type: 'fir'; peerId: string; sequenceNumber: number }
  | { type: 'talk'; peerId: string; on: boolean }
  | { type: 'mark'; peerId: string }
  | { type: 'close'; peerId: string }
  /** The viewers of these app devices show up in 'stats' under the app device id while a call lasts. */
  | { type: 'app-devices'; logins: AppDeviceLogins };

const peers = new Map<string, Receiver>();

async function run(command: ReceiverCommand): Promise<unknown> {
  if (command.type === 'stats') {
    return Object.fromEntries([...peers].map(([id, r]) => [id, { ...r.stats }]));
  }
  if (command.type === 'app-devices') {
    await connectAppDevices(command.logins, peers);
    return undefined;
  }
  if (command.type === 'answer') {
    const receiver = new Receiver();
    peers.set(command.peerId, receiver);
    return receiver.answer(command.offer);
  }
  const receiver = peers.get(command.peerId);
  if (!receiver) throw new Error(`no receiver "${command.peerId}"`);
  if (command.type === 'pli') return receiver.pli();
  if (command.type === 'fir') return receiver.fir(command.sequenceNumber);
  if (command.type === 'talk') return receiver.talk(command.on);
  if (command.type === 'mark') return receiver.mark();
  peers.delete(command.peerId);
  return receiver.close();
}

if (import.meta.main) {
  if (!process.send) throw new Error('media-receivers.ts is started with an IPC channel (fork)');
  process.on('message', (message: ReceiverCommand & { id: number }) => {
    run(message).then(
      (result) => process.send!({ id: message.id, ok: true, result }),
      (err: unknown) => process.send!({ id: message.id, ok: false, error: String(err) }),
    );
  });
  // The parent going away (even by SIGKILL) closes the IPC channel: leave with it.
  process.on('disconnect', () => process.exit(0));
  process.send({ ready: true });
}
