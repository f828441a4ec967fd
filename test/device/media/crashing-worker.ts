/**
 * The real media worker plus ways to end it on purpose, for the recovery tests: a close-peer request
 * for the peer "crash-now" ends it with exit code 7, as an unexpected fatal error would; "leak-now"
 * keeps allocating until its heap limit ends it (a media thread's resource limits).
 */
import { parentPort } from 'node:worker_threads';
import '../../../device/media/media-worker.ts';

const hoard: unknown[] = [];
const onMessage = (message: { type?: string; peerId?: string }): void => {
  if (message.type !== 'close-peer') return;
  if (message.peerId === 'crash-now') process.exit(7);
  if (message.peerId === 'leak-now') {
    for (;;) hoard.push(new Array(100_000).fill({ leaked: hoard.length }));
  }
};
if (parentPort) parentPort.on('message', onMessage);
else process.on('message', onMessage);
