/**
 * Loopback ports for daemons that tests and the simulator start. A port is only known to be free at the
 * moment it is probed, so callers that can see "address in use" from their daemon retry with a new one.
 */
import { createSocket } from 'node:dgram';
import { type AddressInfo, createServer, type Server } from 'node:net';

/** A loopback TCP port that was free a moment ago. */
export async function freePort(): Promise<number> {
  const server = await listenTcp(0);
  const { port } = server.address() as AddressInfo;
  await closeTcp(server);
  return port;
}

/**
 * A loopback port free for both TCP and UDP a moment ago, for daemons that listen on both at one number
 * (a SIP user agent). A TCP-only probe is not enough: UDP sockets that others bound to port 0 (RTP,
 * SIP, DNS clients) take numbers from the same ephemeral range.
 */
export async function freeTcpAndUdpPort(attempts = 50): Promise<number> {
  for (let i = 0; i < attempts; i++) {
    const server = await listenTcp(0);
    const { port } = server.address() as AddressInfo;
    const udpFree = await udpBindable(port);
    await closeTcp(server);
    if (udpFree) return port;
  }
  throw new Error(`no loopback port free for both TCP and UDP after ${attempts} tries`);
}

function listenTcp(port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

function closeTcp(server: Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

function udpBindable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createSocket('udp4');
    socket.once('error', () => {
      socket.close();
      resolve(false);
    });
    socket.bind(port, '127.0.0.1', () => socket.close(() => resolve(true)));
  });
}
