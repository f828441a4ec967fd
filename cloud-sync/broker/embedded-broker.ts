/**
 * An MQTT broker inside the simulator process (aedes), so `npm start` needs no daemon. It enforces the
 * same rules as the production Mosquitto ACL: each panel logs in with its device id and reaches only
 * `portvakt/v1/devices/<id>/#`; the hub user reaches everything under `portvakt/v1/`.
 * aedes speaks MQTT 3.1.1 only (no MQTT 5), so panels and hub connect to it with protocol version 4 —
 * production brokers (Mosquitto, EMQX, HiveMQ) use MQTT 5.
 */
import { timingSafeEqual } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { createServer, type Server } from 'node:net';
import { Aedes } from 'aedes';
import type { Logger } from '../../hal/logger.ts';

export interface EmbeddedBrokerOptions {
  host?: string;
  port?: number;
  /** username → password; usernames other than `hubUser` are panel device ids. */
  users: Record<string, string>;
  hubUser: string;
  logger: Logger;
}

const ROOT = 'portvakt/v1/';

/** The product ACL: the hub under `portvakt/v1/`, a panel only under its own device subtree. */
export function topicAllowed(username: string, hubUser: string, topic: string): boolean {
  if (username === hubUser) return topic.startsWith(ROOT);
  return topic.startsWith(`${ROOT}devices/${username}/`);
}

export class EmbeddedBroker {
  readonly #options: EmbeddedBrokerOptions;
  #aedes: Aedes | undefined;
  #server: Server | undefined;

  constructor(options: EmbeddedBrokerOptions) {
    this.#options = options;
  }

  async start(): Promise<void> {
    const { users, hubUser, logger } = this.#options;
    const usernames = new WeakMap<object, string>();
    const aedes = await Aedes.createBroker({
      authenticate: (client, username, password, done) => {
        const expected = username === undefined ? undefined : users[username];
        const given = Buffer.from(password ?? '');
        const ok =
          expected !== undefined &&
          given.length === Buffer.byteLength(expected) &&
          timingSafeEqual(given, Buffer.from(expected)) &&
          (username === hubUser || client.id === username);
        if (ok) usernames.set(client, username as string);
        else logger.warn({ clientId: client.id, username }, 'broker refused a login');
        done(null, ok);
      },
      authorizePublish: (client, packet, done) => {
        const user = client ? usernames.get(client) : undefined;
        if (user && topicAllowed(user, hubUser, packet.topic)) return done(null);
        done(new Error(`not authorized to publish to ${packet.topic}`));
      },
      authorizeSubscribe: (client, sub, done) => {
        const user = usernames.get(client);
        // A foreign filter is refused (SUBACK failure); Mosquitto instead grants it and delivers nothing.
        if (user && topicAllowed(user, hubUser, sub.topic)) return done(null, sub);
        done(null, null);
      },
    });
    aedes.on('clientError', (client, err) =>
      logger.debug({ clientId: client.id, err: err.message }, 'client error'),
    );
    const server = createServer(aedes.handle);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.#options.port ?? 0, this.#options.host ?? '127.0.0.1', () => resolve());
    });
    this.#aedes = aedes;
    this.#server = server;
  }

  url(): string {
    const a = this.#server?.address() as AddressInfo | undefined;
    if (!a) throw new Error('broker not started');
    return `mqtt://${a.address}:${a.port}`;
  }

  async stop(): Promise<void> {
    const aedes = this.#aedes;
    const server = this.#server;
    this.#aedes = undefined;
    this.#server = undefined;
    await new Promise<void>((resolve) => (aedes ? aedes.close(() => resolve()) : resolve()));
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  }
}
