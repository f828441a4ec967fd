/**
 * The real media worker plus one way to crash it on purpose, for the worker-crash test: a close-peer
 * request for the peer "crash-now" ends the thread with exit code 7, as an unexpected fatal error would.
 */
import { parentPort } from 'node:worker_threads';
import '../../../device/media/media-worker.ts';

parentPort!.on('message', (message: { type?: string; peerId?: string }) => {
  if (message.type === 'close-peer' && message.peerId === 'crash-now') process.exit(7);
});
