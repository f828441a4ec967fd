import { createSocket, type Socket } from 'node:dgram';

/**
 * Free loopback UDP ports, found by binding port 0 (the kernel picks). All sockets are bound before any is
 * closed, so the ports are distinct. Between the close here and the pipeline's own bind another program
 * could take a port; on a panel nothing else allocates loopback UDP ports, so that window is accepted.
 */
export async function freeUdpPorts(count: number): Promise<number[]> {
  const sockets: Socket[] = [];
  try {
    for (let i = 0; i < count; i++) {
      const socket = createSocket('udp4');
      sockets.push(socket);
      await new Promise<void>((resolve, reject) => {
        socket.once('error', reject);
        socket.bind(0, '127.0.0.1', () => {
          socket.off('error', reject);
          resolve();
        });
      });
    }
    return sockets.map((s) => s.address().port);
  } finally {
    await Promise.all(sockets.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
  }
}

/** A random non-zero 32-bit SSRC (RFC 3550 wants them random; zero confuses some stacks). */
export function randomSsrc(): number {
  const buf = new Uint32Array(1);
  do crypto.getRandomValues(buf);
  while (buf[0] === 0);
  return buf[0]!;
}
