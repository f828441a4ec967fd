/**
 * Entry of the media code (werift, SRTP and the camera's RTP all live here, away from the panel's event
 * loop): a worker thread of the panel or a process of its own (media-link.ts), started by MediaEngine;
 * answers every request message, whether or not it could make sense of it. In the bundle this file is
 * its own entry (dist/media-worker.js).
 */
import { SystemClock } from '../../lib/clock/clock.ts';
import { PortvaktError, ValidationError } from '../../lib/errors.ts';
import { FanOut } from './fanout.ts';
import { connectToPanel } from './panel-port.ts';
import { requestSchema, type SerializedError, type WorkerMessage } from './protocol.ts';

const panel = connectToPanel();
const post = (message: WorkerMessage) => panel.post(message);

export function serializeError(err: unknown): SerializedError {
  if (err instanceof PortvaktError) {
    const issues = (err as { issues?: readonly string[] }).issues;
    return { name: err.name, code: err.code, message: err.message, ...(issues ? { issues } : {}) };
  }
  return { name: 'MediaError', code: 'media', message: err instanceof Error ? err.message : String(err) };
}

// werift starts promises it does not await (a send racing a closing transport, per packet): such a
// rejection concerns one peer at most and is reported, not allowed to take every call down with it.
// Reported at most every 10 s, since one closing peer can produce one per packet.
let lastWarningAt = Number.NEGATIVE_INFINITY;
let suppressed = 0;
process.on('unhandledRejection', (reason) => {
  const now = performance.now();
  if (now - lastWarningAt < 10_000) {
    suppressed++;
    return;
  }
  const more = suppressed ? ` (and ${suppressed} more since the last report)` : '';
  post({ kind: 'warning', message: `unhandled rejection in media worker: ${String(reason)}${more}` });
  lastWarningAt = now;
  suppressed = 0;
});

const fanOut = new FanOut(
  panel.init,
  new SystemClock(),
  (peerId, state) => post({ kind: 'peer-state', peerId, state }),
  (message) => post({ kind: 'warning', message }),
  // Sent at once: the digit's way to the relay (target ≤ 50 ms p99) is this IPC message and the panel.
  (callId, { digit, source }) => post({ kind: 'phone-digit', callId, digit, source }),
  (peerId, candidate) => post({ kind: 'local-candidate', peerId, candidate }),
);

panel.onMessage((message: unknown) => {
  const id = (message as { id?: unknown } | null)?.id;
  if (typeof id !== 'number') {
    post({ kind: 'warning', message: 'media worker ignored a message without a numeric id' });
    return;
  }
  const { id: _id, ...request } = message as { id: number };
  const parsed = requestSchema.safeParse(request);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(request)'}: ${i.message}`);
    const error = new ValidationError(`invalid media request: ${issues.join('; ')}`, issues);
    post({ kind: 'response', id, ok: false, error: serializeError(error) });
    return;
  }
  fanOut.handle(parsed.data).then(
    (result) => {
      post({ kind: 'response', id, ok: true, result });
      if (parsed.data.type === 'shutdown') setImmediate(() => panel.release());
    },
    (err: unknown) => post({ kind: 'response', id, ok: false, error: serializeError(err) }),
  );
});

fanOut.start().then(
  () => post({ kind: 'ready' }),
  (err: unknown) => post({ kind: 'init-failed', error: serializeError(err) }),
);
