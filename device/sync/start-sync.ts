/**
 * Starts cloud sync on the panel's store, doors and audit log. Loaded on demand by sync-module.ts, so a
 * panel without a `sync` section never loads the MQTT client (a few megabytes of resident memory).
 */
import { readFile } from 'node:fs/promises';
import { MqttLink } from '../../cloud-sync/agent/mqtt-link.ts';
import type { ProtocolError } from '../../cloud-sync/agent/ports.ts';
import { SyncAgent } from '../../cloud-sync/agent/sync-agent.ts';
import { TrustedKeys } from '../../cloud-sync/agent/trusted-keys.ts';
import { ConfigError, errorMessage } from '../../lib/errors.ts';
import type { SyncConfig } from '../config/schema.ts';
import { PanelCommandTarget } from './command-target.ts';
import { StoreConfigReplica, StoreHubKeys } from './config-replica.ts';
import { SqliteNonceStore } from './nonce-store.ts';
import { StoreOutbox } from './outbox.ts';
import type { SyncModuleDeps } from './sync-deps.ts';

export async function startSync(deviceId: string, sync: SyncConfig, deps: SyncModuleDeps) {
  const { store, audit, clock, logger } = deps;
  const [ca, cert, key] = await Promise.all([
    pem(sync.ca, 'ca'),
    pem(sync.cert, 'cert'),
    pem(sync.key, 'key'),
  ]);
  // The configured key is the anchor; keys learned from verified config (rotation) live in the store.
  const trustedKeys = await TrustedKeys.open(
    sync.hubPublicKey,
    new StoreHubKeys(store.sync, sync.hubPublicKey),
    logger,
  ).catch((err: unknown) => {
    throw new ConfigError(`sync.hubPublicKey: ${errorMessage(err)}`);
  });
  if (sync.brokerUrl.startsWith('mqtt://'))
    logger.warn({ brokerUrl: sync.brokerUrl }, 'cloud sync without TLS: use mqtts:// outside a lab');
  const outbox = new StoreOutbox({
    sync: store.sync,
    audit,
    bus: deps.bus,
    logger,
    maxRows: sync.outboxMaxRows,
    retainAckedRows: sync.outboxRetainAckedRows,
  });
  const link = new MqttLink({
    deviceId,
    brokerUrl: sync.brokerUrl,
    username: sync.username ?? deviceId,
    password: sync.password,
    ca,
    cert,
    key,
    protocolVersion: sync.mqttVersion,
    sessionExpiryS: sync.sessionExpiryS,
    clock,
    logger,
  });
  const agent = new SyncAgent({
    deviceId,
    link,
    replica: new StoreConfigReplica(store, audit, logger),
    outbox,
    target: new PanelCommandTarget({
      opener: deps.opener,
      enrolment: deps.enrolment,
      audit,
      logger,
      updater: deps.updater,
    }),
    nonces: new SqliteNonceStore(store.sync, logger),
    trustedKeys,
    clock,
    logger,
    onProtocolError: (e) => audit.append(protocolErrorEvent(e)),
    backlogEventsPerS: sync.backlogEventsPerS,
  });
  let since: number | null = null;
  const unwatch = [
    link.events.on('up', () => (since = clock.now())),
    link.events.on('down', () => (since = clock.now())),
  ];
  agent.start();
  deps.calls?.attach(link.calls);
  link.start();
  return {
    linkStatus: () => ({ connected: link.isUp(), since }),
    // The count is kept in memory; the oldest row is one indexed read (seq > acked, limit 1).
    backlog: () => {
      const depth = outbox.size();
      return { depth, oldestAt: depth > 0 ? outbox.pending(0, 1)[0]?.ts : undefined };
    },
    stop: async () => {
      for (const off of unwatch) off();
      deps.calls?.detach();
      agent.stop();
      await link.stop();
      outbox.close();
    },
  };
}

/** Rejected config becomes config.rejected; anything else the cloud sent that failed, sync.rejected. */
export function protocolErrorEvent(e: ProtocolError) {
  const isConfig = e.leaf === 'config/desired' || e.leaf === 'config/patch';
  return {
    type: isConfig ? ('config.rejected' as const) : ('sync.rejected' as const),
    data: {
      leaf: e.leaf,
      reason: e.reason,
      ...(e.rejectedVersion !== undefined ? { rejectedVersion: e.rejectedVersion } : {}),
    },
  };
}

async function pem(path: string | undefined, what: string): Promise<Buffer | undefined> {
  if (path === undefined) return undefined;
  try {
    return await readFile(path);
  } catch (err) {
    throw new ConfigError(`sync.${what}: cannot read ${path}: ${errorMessage(err)}`);
  }
}
