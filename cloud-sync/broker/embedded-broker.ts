/**
 * An MQTT broker inside the simulator process (aedes), so `npm start` needs no daemon. It enforces the
 * same rights as the shipped Mosquitto deployment (deploy/mosquitto/), from the same table
 * (protocol/broker-rights.ts): each panel (username = device id = client id) writes only the leaves it
 * sends and reads only those it receives, in its own subtree; the hub user the other way round, over all
 * panels; retained messages only on the leaves that are retained. A resident's app device (username =
 * app device id, checked by the optional `appDeviceAuth` port, i.e. the hub) reads only its own
 * `…/calls/to/<id>` and writes only its own `…/calls/from/<id>` (protocol/call-acl.ts), and that only to
 * panels of its resident's buildings (the `appDeviceAcl` port, cached: app-device-acl.ts), within a
 * publish rate (publish-limiter.ts). A panel paired at runtime (not in `users`) logs in through the
 * optional `panelAuth` port (the hub) and then has a panel's rights. revoke() (the hub's AppDeviceRevoker port, also reachable as
 * Mosquitto's `deleteClient` control command) disconnects app devices and refuses them from then on.
 * An optional WebSocket listener carries MQTT for the resident web app (browsers cannot speak TCP).
 * aedes speaks MQTT 3.1.1 only (no MQTT 5), so panels and hub connect to it with protocol version 4 —
 * production brokers (Mosquitto, EMQX, HiveMQ) use MQTT 5.
 */
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createServer, type Server } from 'node:net';
import { Aedes, type Client } from 'aedes';
import { createWebSocketStream, WebSocketServer } from 'ws';
import { type Clock, SystemClock } from '../../lib/clock/clock.ts';
import { errorMessage } from '../../lib/errors.ts';
import { secretsEqual } from '../../lib/http/bearer.ts';
import type { Logger } from '../../lib/log/logger.ts';
import { partyMayAccess, RETAINED_LEAVES } from '../protocol/broker-rights.ts';
import { APP_DEVICE_ID_PATTERN } from '../protocol/calls.ts';
import { DEVICE_ID_PATTERN, parseDeviceTopic } from '../protocol/topics.ts';
import { AppDeviceAclCache, type AppDeviceAclPort } from './app-device-acl.ts';
import { parseControl } from './embedded-control.ts';
import { DYNSEC_RESPONSE_TOPIC, DYNSEC_TOPIC } from './mosquitto-dynsec.ts';
import { DEFAULT_APP_DEVICE_PUBLISH_LIMITS, PublishLimiter, type PublishLimits } from './publish-limiter.ts';

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
  /**
   * Logins of panels not in `users`: panels paired at runtime, whose password only the hub knows (as a
   * hash). A panel admitted here has the same rights as one in `users` (its own subtree). Asked before
   * `appDeviceAuth`; unset: such logins are refused.
   */
  panelAuth?: (username: string, password: string) => Promise<boolean>;
  /**
   * Whether an app device may publish to a topic (the hub: only panels of its resident's buildings).
   * Unset: the local call rule alone (own `calls/from` topic on any panel).
   */
  appDeviceAcl?: AppDeviceAclPort;
  /**
   * Per app device publish rate; beyond it the client is disconnected. `false` turns it off (a bench
   * that floods a panel on purpose, to measure the panel's own limit).
   */
  appDevicePublishLimits?: PublishLimits | false;
  clock?: Clock;
  logger: Logger;
}

/** Revoked app device ids remembered (they are random and never reused); oldest forgotten first. */
const MAX_REVOKED = 100_000;

/** A static user's rights (the hub, or a panel whose username is its device id) from broker-rights.ts. */
export function topicAllowed(
  username: string,
  hubUser: string,
  topic: string,
  access: 'read' | 'write' | 'subscribe',
): boolean {
  if (username === hubUser) return partyMayAccess('hub', undefined, topic, access);
  return partyMayAccess('panel', username, topic, access);
}

/** Only the leaves their sender retains (state, config/desired, config/reported) may be retained. */
function retainAllowed(topic: string): boolean {
  const parsed = parseDeviceTopic(topic);
  return parsed !== undefined && RETAINED_LEAVES.has(parsed.leaf);
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
  readonly #acl: AppDeviceAclCache;
  readonly #limiter: PublishLimiter | undefined;
  readonly #revoked = new Set<string>();
  /** Connected clients by client id (= username for everyone but the hub). */
  readonly #clients = new Map<string, Client>();

  constructor(options: EmbeddedBrokerOptions) {
    this.#options = options;
    const clock = options.clock ?? new SystemClock();
    this.#acl = new AppDeviceAclCache(options.appDeviceAcl, clock);
    const limits = options.appDevicePublishLimits ?? DEFAULT_APP_DEVICE_PUBLISH_LIMITS;
    this.#limiter = limits === false ? undefined : new PublishLimiter(limits, clock, options.logger);
  }

  /**
   * The hub's AppDeviceRevoker port: these app devices are disconnected now and refused from then on
   * (also a login whose hub check was already under way).
   */
  async revoke(appDeviceIds: readonly string[]): Promise<void> {
    for (const id of appDeviceIds) {
      this.#revoked.add(id);
      if (this.#revoked.size > MAX_REVOKED) this.#revoked.delete(this.#revoked.values().next().value!);
    }
    this.#acl.forget(appDeviceIds);
    for (const id of appDeviceIds) {
      const client = this.#clients.get(id);
      if (client) {
        this.#options.logger.info({ appDeviceId: id }, 'app device revoked; disconnected');
        client.close();
      }
    }
  }

  /** Publishes refused by the app device rate limit since start. */
  refusedPublishes(): number {
    return this.#limiter?.refused() ?? 0;
  }

  async start(): Promise<void> {
    const { hubUser, logger } = this.#options;
    const users = new WeakMap<object, BrokerUser>();
    const staticAllowed = (
      user: BrokerUser,
      topic: string,
      access: 'write' | 'read' | 'subscribe',
    ): boolean => {
      if (user.name === hubUser && topic.startsWith('$CONTROL/'))
        return access === 'write' ? topic === DYNSEC_TOPIC : topic === DYNSEC_RESPONSE_TOPIC;
      return topicAllowed(user.name, hubUser, topic, access);
    };
    const allowed = async (
      user: BrokerUser | undefined,
      topic: string,
      access: 'write' | 'read' | 'subscribe',
    ): Promise<boolean> => {
      if (!user) return false;
      if (user.kind === 'app')
        return !this.#revoked.has(user.name) && this.#acl.mayAccess(user.name, topic, access);
      return staticAllowed(user, topic, access);
    };
    const authorizePublish = async (
      client: Client | null,
      topic: string,
      retain: boolean,
      payload: Buffer,
    ) => {
      const user = client ? users.get(client) : undefined;
      if (!user) return false;
      if (user.kind === 'app' && this.#limiter && !this.#limiter.allow(user.name)) return false;
      if (retain && !retainAllowed(topic)) return false;
      if (!(await allowed(user, topic, 'write'))) return false;
      if (topic === DYNSEC_TOPIC) await this.#control(payload);
      return true;
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
      // A refusal disconnects the publisher (MQTT 3.1.1 has no negative PUBACK).
      authorizePublish: (client, packet, done) => {
        authorizePublish(client, packet.topic, packet.retain, Buffer.from(packet.payload))
          .then((ok) => done(ok ? null : new Error(`not authorized to publish to ${packet.topic}`)))
          .catch((err: unknown) => done(err instanceof Error ? err : new Error(String(err))));
      },
      authorizeSubscribe: (client, sub, done) => {
        // A foreign filter is refused (SUBACK failure); Mosquitto instead grants it and delivers nothing.
        allowed(users.get(client), sub.topic, 'subscribe')
          .then((ok) => done(null, ok ? sub : null))
          .catch(() => done(null, null));
      },
      // Delivery: a subscription was allowed, but a revoked app device gets nothing more.
      authorizeForward: (client, packet) => {
        const user = users.get(client);
        return user?.kind === 'app' && this.#revoked.has(user.name) ? null : packet;
      },
    });
    aedes.on('client', (client) => this.#clients.set(client.id, client));
    aedes.on('clientDisconnect', (client) => {
      if (this.#clients.get(client.id) === client) this.#clients.delete(client.id);
      this.#limiter?.forget(client.id);
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
    const { users, hubUser, appDeviceAuth, panelAuth } = this.#options;
    const given = Buffer.from(password ?? '');
    // A client id other than the username would let one login hold another's session.
    if (username !== hubUser && clientId !== username) return undefined;
    const expected = Object.hasOwn(users, username) ? users[username] : undefined;
    if (expected !== undefined) {
      return secretsEqual(given, expected) ? { name: username, kind: 'static' } : undefined;
    }
    if (panelAuth && DEVICE_ID_PATTERN.test(username) && (await panelAuth(username, given.toString('utf8'))))
      return { name: username, kind: 'static' };
    if (!appDeviceAuth || !APP_DEVICE_ID_PATTERN.test(username) || this.#revoked.has(username))
      return undefined;
    const ok = await appDeviceAuth(username, given.toString('utf8'));
    // Revoked while the hub was being asked: the hub's yes predates the revocation.
    return ok && !this.#revoked.has(username) ? { name: username, kind: 'app' } : undefined;
  }

  /** The hub's `deleteClient` control command (embedded-control.ts); answers like Mosquitto's plugin. */
  async #control(payload: Buffer): Promise<void> {
    const control = parseControl(payload);
    if (!control) return;
    await this.revoke(control.revoke);
    const response = Buffer.from(JSON.stringify({ responses: control.responses }));
    this.#aedes?.publish(
      { cmd: 'publish', topic: DYNSEC_RESPONSE_TOPIC, payload: response, qos: 0, retain: false, dup: false },
      () => {},
    );
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
