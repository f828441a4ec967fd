/** The byte pipe to an RS-485 adapter, through node-serialport (the only file that imports it). */
import type { SerialPort } from 'serialport';

export interface SerialLink {
  write(bytes: Buffer): void;
  onData(listener: (chunk: Buffer) => void): void;
  /** Called once when the device goes away (unplugged adapter, closed pty). */
  onClose(listener: (err?: Error) => void): void;
  close(): Promise<void>;
}

export type OpenSerialLink = (path: string, baudRate: number) => Promise<SerialLink>;

export const openSerialPort: OpenSerialLink = async (path, baudRate) => {
  // Loaded with the first bus: its native binding has no business in a panel without OSDP readers.
  const { SerialPort } = await import('serialport');
  const port = await new Promise<SerialPort>((resolve, reject) => {
    const p: SerialPort = new SerialPort({ path, baudRate, lock: true }, (err) =>
      err ? reject(err) : resolve(p),
    );
  });
  let closed = false;
  const closeListeners: ((err?: Error) => void)[] = [];
  const fire = (err?: Error): void => {
    if (closed) return;
    closed = true;
    for (const listener of closeListeners) listener(err);
  };
  port.on('close', (err?: Error | null) => fire(err ?? undefined));
  // A write or read error leaves the port unusable; the driver reopens it.
  port.on('error', (err: Error) => fire(err));
  return {
    write: (bytes) => {
      if (!closed) port.write(bytes);
    },
    onData: (listener) => port.on('data', listener),
    onClose: (listener) => closeListeners.push(listener),
    close: () =>
      new Promise<void>((resolve) => {
        closed = true;
        if (!port.isOpen) resolve();
        else port.close(() => resolve());
      }),
  };
};
