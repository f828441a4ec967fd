/**
 * An MQTT broker inside the simulator process (aedes), so `npm start` needs no daemon. It enforces the
 * same rules as the production Mosquitto ACL: each panel logs in with its device id and reaches only
 * `portvakt/v1/devices/<id>/#`; the hub user reaches everything under `portvakt/v1/`; a resident's app
 * device (username = app device id, checked by the optional `appDeviceAuth` port, i.e. the hub) reads
 * only its own `…/calls/to/<id>` and writes only its own `…/calls/from/<id>` (protocol/call-acl.ts).
 * An optional WebSocket listener carries MQTT for the resident web app (browsers cannot speak TCP).
 * aedes speaks MQTT 3.1.1 only (no MQTT 5), so panels and hub connect to it with protocol version 4 —
 * production brokers (Mosquitto, EMQX, HiveMQ) use MQTT 5.
 */
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createServer, type Server } from 'node:net';
import { Aedes } from 'aedes';
import { createWebSocketStream, WebSocketServer } from 'ws';
import { errorMessage } from '../../lib/errors.ts';
import { secretsEqual } from '../../lib/http/bearer.ts';
import type { Logger } from '../../lib/log/logger.ts';
import { appDeviceMayAccess } from '../protocol/call-acl.ts';
import { APP_DEVICE_ID_PATTERN } from '../protocol/calls.ts';

export interface EmbeddedBrokerOptions {
  host?: string;
  port?: number;
  /** username → password; usernames other than `hubUser` are panel device ids. */
  users: Record<string, string>;
  hubUser: string;
  /** MQTT over WebSocket (path `/`), for the resident web app; port 0 picks a free one. */
  websocket?: { host?: string; port?: number };
  /**
   * Logins of users not in `users`: residents' app devices (username = app device id), whose random
   * credentials only the hub knows. Unset: such logins are refused.
   */
  appDeviceAuth?: (username: string, password: string) => Promise<boolean>;
  logger: Logger;
}

const ROOT = 'portvakt/v1/';

/** The product ACL: the hub under `portvakt/v1/`, a panel only under its own device subtree. */
export function topicAllowed(username: string, hubUser: string, topic: string): boolean {
  if (username === hubUser) return topic.startsWith(ROOT);
  return topic.startsWith(`${ROOT}devices/${username}/`);
}

/** Who a connection logged in as: an app device gets only the call ACL, never a panel's subtree. */
interface BrokerUser {
  name: string;
  kind: 'static' | 'app';
}

export class EmbeddedBroker {
  readonly #options: EmbeddedBrokerOptions;
  #aedes: Aedes | undefined;
  #server: Server | undefined;
  #wsServer: HttpServer | undefined;
  #wss: WebSocketServer | undefined;

  constructor(options: EmbeddedBrokerOptions) {
    this.#options = options;
  }

  async start(): Promise<void> {
    const { hubUser, logger } = this.#options;
    const users = new WeakMap<object, BrokerUser>();
    const allowed = (user: BrokerUser | undefined, topic: string, action: 'write' | 'subscribe'): boolean => {
      if (!user) return false;
      if (user.kind === 'app') return appDeviceMayAccess(user.name, topic, action);
      return topicAllowed(user.name, hubUser, topic);
    };
    const aedes = await Aedes.createBroker({
      authenticate: (client, username, password, done) => {
        this.#login(client.id, username, password)
          .then((user) => {
            if (user) users.set(client, user);
            else logger.warn({ clientId: client.id, username }, 'broker refused a login');
            done(null, user !== undefined);
          })
          .catch((err: unknown) => {
            logger.error({ username, err: errorMessage(err) }, 'broker login check failed');
            done(null, false);
          });
      },
      authorizePublish: (client, packet, done) => {
        if (client && allowed(users.get(client), packet.topic, 'write')) return done(null);
        done(new Error(`not authorized to publish to ${packet.topic}`));
      },
      authorizeSubscribe: (client, sub, done) => {
        // A foreign filter is refused (SUBACK failure); Mosquitto instead grants it and delivers nothing.
        if (allowed(users.get(client), sub.topic, 'subscribe')) return done(null, sub);
        done(null, null);
      },
    });
    aedes.on('clientError', (client, err) =>
      logger.debug({ clientId: client.id, err: err.message }, 'client error'),
    );
    const server = createServer(aedes.handle);
    await listen(server, this.#options.port ?? 0, this.#options.host ?? '127.0.0.1');
    this.#aedes = aedes;
    this.#server = server;
    const ws = this.#options.websocket;
    if (ws) {
      const http = createHttpServer((_req, res) => {
        res.writeHead(426, { 'content-type': 'text/plain' }).end('MQTT over WebSocket only\n');
      });
      const wss = new WebSocketServer({ server: http, maxPayload: 256 * 1024 });
      wss.on('connection', (socket, req) => {
        const stream = createWebSocketStream(socket);
        stream.on('error', (err) => logger.debug({ err: err.message }, 'websocket stream error'));
        aedes.handle(stream, req);
      });
      this.#wsServer = http;
      this.#wss = wss;
      await listen(http, ws.port ?? 0, ws.host ?? '127.0.0.1');
    }
  }

  /** Static users by password; anyone else only as an app device the hub vouches for. */
  async #login(
    clientId: string,
    username: string | undefined,
    password: Buffer | undefined,
  ): Promise<BrokerUser | undefined> {
    if (username === undefined) return undefined;
    const { users, hubUser, appDeviceAuth } = this.#options;
    const given = Buffer.from(password ?? '');
    // A client id other than the username would let one login hold another's session.
    if (username !== hubUser && clientId !== username) return undefined;
    const expected = Object.hasOwn(users, username) ? users[username] : undefined;
    if (expected !== undefined) {
      return secretsEqual(given, expected) ? { name: username, kind: 'static' } : undefined;
    }
    if (!appDeviceAuth || !APP_DEVICE_ID_PATTERN.test(username)) return undefined;
    return (await appDeviceAuth(username, given.toString('utf8')))
      ? { name: username, kind: 'app' }
      : undefined;
  }

  url(): string {
    const a = this.#server?.address() as AddressInfo | undefined;
    if (!a) throw new Error('broker not started');
    return `mqtt://${a.address}:${a.port}`;
  }

  /** The MQTT-over-WebSocket URL; throws when the broker runs without the WebSocket listener. */
  wsUrl(): string {
    const a = this.#wsServer?.address() as AddressInfo | undefined;
    if (!a) throw new Error('broker WebSocket listener not started');
    return `ws://${a.address}:${a.port}`;
  }

  async stop(): Promise<void> {
    const aedes = this.#aedes;
    const server = this.#server;
    const wsServer = this.#wsServer;
    const wss = this.#wss;
    this.#aedes = undefined;
    this.#server = undefined;
    this.#wsServer = undefined;
    this.#wss = undefined;
    for (const socket of wss?.clients ?? []) socket.terminate();
    await new Promise<void>((resolve) => (wss ? wss.close(() => resolve()) : resolve()));
    await new Promise<void>((resolve) => (aedes ? aedes.close(() => resolve()) : resolve()));
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    wsServer?.closeAllConnections();
    await new Promise<void>((resolve) => (wsServer ? wsServer.close(() => resolve()) : resolve()));
  }
}

function listen(server: Server | HttpServer, port: number, host: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}
