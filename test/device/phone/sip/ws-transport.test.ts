/**
 * The dialer's WebSocket transport against a real WebSocket server (`ws`) standing in for the edge:
 * reconnect with backoff on the fake clock, nothing after disconnect(), and the dialer refusing a call
 * the "edge" pushes to it.
 */
import type { AddressInfo } from 'node:net';
import { TransportState } from 'sip.js';
import { afterEach, describe, expect, it } from 'vitest';
import { type WebSocket, WebSocketServer } from 'ws';
import { SipDialer } from '../../../../device/phone/sip/sip-dialer.ts';
import { WsTransport } from '../../../../device/phone/sip/ws-transport.ts';
import { FakeClock } from '../../../../lib/clock/fake-clock.ts';
import { silentLogger } from '../../../../lib/log/logger.ts';
import { until } from '../../../../scripts/lab/until.ts';

interface FakeEdge {
  server: WebSocketServer;
  url: string;
  sockets: WebSocket[];
  received: string[];
}

async function fakeEdge(port = 0): Promise<FakeEdge> {
  const server = new WebSocketServer({ host: '127.0.0.1', port, handleProtocols: () => 'sip' });
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const edge: FakeEdge = {
    server,
    url: `ws://127.0.0.1:${(server.address() as AddressInfo).port}`,
    sockets: [],
    received: [],
  };
  server.on('connection', (socket) => {
    edge.sockets.push(socket);
    socket.on('message', (data) => edge.received.push(data.toString()));
  });
  return edge;
}

const closeServer = (s: WebSocketServer): Promise<void> =>
  new Promise((resolve) => {
    for (const c of s.clients) c.terminate();
    s.close(() => resolve());
  });

describe('WsTransport', () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  it('reconnects after the edge drops it, with backoff on the injected clock that doubles while it fails', async () => {
    const edge = await fakeEdge();
    const port = Number(new URL(edge.url).port);
    cleanups.push(() => closeServer(edge.server));
    const clock = new FakeClock();
    const transport = new WsTransport(undefined, { url: edge.url, clock, logger: silentLogger });
    cleanups.push(() => transport.dispose());
    const disconnects: Array<Error | undefined> = [];
    transport.onDisconnect = (err) => disconnects.push(err);
    const attempts: TransportState[] = [];
    transport.stateChange.addListener((s) => attempts.push(s));

    await transport.connect();
    expect(transport.isConnected()).toBe(true);
    edge.sockets[0]?.terminate();
    await until(() => transport.state === TransportState.Disconnected, 'the drop to be seen');
    expect(disconnects).toHaveLength(1);
    clock.advance(999);
    expect(edge.sockets).toHaveLength(1);
    clock.advance(1);
    await until(() => transport.isConnected(), 'the reconnection');
    expect(edge.sockets).toHaveLength(2);

    // Edge gone: the first retry after 1 s fails, the next waits 2 s.
    await closeServer(edge.server);
    await until(() => transport.state === TransportState.Disconnected, 'the second drop');
    const connectingCount = () => attempts.filter((s) => s === TransportState.Connecting).length;
    const before = connectingCount();
    clock.advance(1000);
    await until(
      () => connectingCount() === before + 1 && transport.state === TransportState.Disconnected,
      'a failed retry',
    );
    clock.advance(1999);
    expect(connectingCount()).toBe(before + 1);
    const back = await fakeEdge(port);
    cleanups.push(() => closeServer(back.server));
    clock.advance(1);
    await until(() => transport.isConnected(), 'the reconnection to the edge that came back');
  });

  it('does not reconnect after disconnect()', async () => {
    const edge = await fakeEdge();
    cleanups.push(() => closeServer(edge.server));
    const clock = new FakeClock();
    const transport = new WsTransport(undefined, { url: edge.url, clock, logger: silentLogger });
    await transport.connect();
    await transport.disconnect();
    expect(transport.state).toBe(TransportState.Disconnected);
    clock.advance(60_000);
    expect(clock.pendingTimers()).toBe(0);
    expect(edge.sockets).toHaveLength(1);
  });

  it('the dialer refuses a call pushed to it (403): the panel takes no calls', async () => {
    const edge = await fakeEdge();
    cleanups.push(() => closeServer(edge.server));
    const dialer = new SipDialer({
      edgeUrl: edge.url,
      domain: 'lab.test',
      username: 'panel-x',
      password: 'pw',
      clock: new FakeClock(),
      logger: silentLogger,
    });
    await dialer.start();
    cleanups.push(() => dialer.stop());
    const invite = [
      'INVITE sip:panel-x@lab.test SIP/2.0',
      'Via: SIP/2.0/WSS edge.invalid;branch=z9hG4bKtest1',
      'Max-Forwards: 70',
      'From: <sip:+46700000999@lab.test>;tag=abc',
      'To: <sip:panel-x@lab.test>',
      'Call-ID: incoming-1',
      'CSeq: 1 INVITE',
      'Contact: <sip:+46700000999@edge.invalid;transport=ws>',
      'Content-Length: 0',
      '',
      '',
    ].join('\r\n');
    await until(() => edge.sockets.length === 1, 'the dialer to connect');
    edge.sockets[0]?.send(invite);
    const reply = await until(
      () => edge.received.find((m) => m.startsWith('SIP/2.0 4') || m.startsWith('SIP/2.0 2')),
      'a final answer to the INVITE',
    );
    expect(reply).toMatch(/^SIP\/2\.0 403/);
  });
});
