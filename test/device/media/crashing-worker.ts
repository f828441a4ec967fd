/**
 * The real media worker plus one way to crash it on purpose, for the worker-crash test: a close-peer
 * request for the peer "crash-now" ends the media process with exit code 7, as an unexpected fatal error would.
 */
import '../../../device/media/media-worker.ts';

process.on('message', (message: { type?: string; peerId?: string }) => {
  if (message.type === 'close-peer' && message.peerId === 'crash-now') process.exit(7);
});
