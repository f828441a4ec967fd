/**
 * The media code's end of the MediaLink (media-link.ts): the panel's messages and the WorkerInit, the
 * same whether this runs as a worker thread of the panel or as a media process of its own.
 */
import { setPriority } from 'node:os';
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { MEDIA_INIT_ENV, type MediaThreadData, type WorkerInit, type WorkerMessage } from './protocol.ts';

export interface PanelPort {
  readonly init: WorkerInit;
  post(message: WorkerMessage): void;
  onMessage(listener: (message: unknown) => void): void;
  /**
   * After shutdown: lets go of the panel's channel, so a media thread ends by itself once its last
   * socket, timer and crypto job are done (media-link.ts says why that matters).
   */
  release(): void;
}

export function connectToPanel(): PanelPort {
  if (!isMainThread && parentPort) {
    const port = parentPort;
    const data = workerData as MediaThreadData;
    if (data.priority !== undefined) {
      try {
        // pid 0 is the calling thread: on Linux a nice value belongs to a thread, not the process.
        setPriority(0, data.priority);
      } catch {
        // Not permitted: media simply runs at the panel's priority.
      }
    }
    return {
      init: data.init,
      post: (message) => port.postMessage(message),
      onMessage: (listener) => port.on('message', listener),
      release: () => port.close(),
    };
  }
  const send = process.send?.bind(process);
  const initJson = process.env[MEDIA_INIT_ENV];
  if (!send || !initJson)
    throw new Error('media-worker runs as the media thread or process (MediaEngine starts it)');
  // The panel went away (stopped, crashed or killed): the channel closes, and so does this process.
  process.on('disconnect', () => process.exit(0));
  return {
    init: JSON.parse(initJson) as WorkerInit,
    post: (message) => {
      send(message);
    },
    onMessage: (listener) => process.on('message', listener),
    // A media process is ended by the panel's SIGTERM.
    release: () => {},
  };
}
