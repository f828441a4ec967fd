/**
 * MQTT protocol v1 topic layout. Everything of one panel lives under `portvakt/v1/devices/{deviceId}/`
 * (username = device id). Who writes and who reads each leaf is in broker-rights.ts, from which every
 * broker's rules are generated: a panel writes only what it sends, the hub only what it sends to panels.
 */
export const PROTOCOL_VERSION = 1;
export const TOPIC_ROOT = 'portvakt/v1';

export const DEVICE_ID_PATTERN = /^[a-z0-9][a-z0-9_-]{0,62}$/;

/** Leaves under a device's subtree, with their direction. */
export const DEVICE_LEAVES = {
  state: 'panel → cloud, retained; online/offline (last will), versions',
  'config/desired':
    'cloud → panel, retained; full config snapshot with a rising version, signed by the hub: a JSON header line ' +
    '({protocol, kind, deviceId, epoch, version, signature}), a newline, then the body described here',
  'config/patch': 'cloud → panel; a change from version N to N+1, signed like config/desired',
  'config/reported': 'panel → cloud, retained; the version the panel enforces, or why it rejected one',
  'config/request': 'panel → cloud; asks for a fresh snapshot (a gap in the patch chain)',
  events: 'panel → cloud, QoS 1; audit events in sequence order',
  'events/ack': 'cloud → panel; events up to a sequence number are stored',
  commands: 'cloud → panel; signed, expiring, single-use commands',
  'commands/result': 'panel → cloud; the outcome of a command',
} as const;

export type DeviceLeaf = keyof typeof DEVICE_LEAVES;

export function deviceTopic(deviceId: string, leaf: DeviceLeaf): string {
  if (!DEVICE_ID_PATTERN.test(deviceId)) throw new Error(`invalid device id "${deviceId}"`);
  return `${TOPIC_ROOT}/devices/${deviceId}/${leaf}`;
}

/** The wildcard the hub subscribes to for one leaf of every panel. */
export function allDevicesTopic(leaf: DeviceLeaf): string {
  return `${TOPIC_ROOT}/devices/+/${leaf}`;
}

export function parseDeviceTopic(topic: string): { deviceId: string; leaf: DeviceLeaf } | undefined {
  const prefix = `${TOPIC_ROOT}/devices/`;
  if (!topic.startsWith(prefix)) return undefined;
  const rest = topic.slice(prefix.length);
  const slash = rest.indexOf('/');
  if (slash <= 0) return undefined;
  const deviceId = rest.slice(0, slash);
  const leaf = rest.slice(slash + 1);
  if (!DEVICE_ID_PATTERN.test(deviceId) || !Object.hasOwn(DEVICE_LEAVES, leaf)) return undefined;
  return { deviceId, leaf: leaf as DeviceLeaf };
}
