/**
 * Least-privilege broker rights, derived from one table: who sends each leaf of a panel's subtree. A
 * panel writes only what it sends and reads only what it receives; the hub the other way round. Every
 * broker rule is generated from here — the Mosquitto ACL shipped in deploy/mosquitto/ and written by the
 * lab, the lines `portvakt-hub provision` prints and the embedded broker's checks — so they cannot drift.
 * Residents' app devices have their own rule (call-acl.ts) plus the hub's building check.
 */
import { DEVICE_ID_PATTERN, type DeviceLeaf, TOPIC_ROOT } from './topics.ts';

export type BrokerParty = 'panel' | 'hub';

/**
 * The sender of each leaf (the other party reads it). Typed over every DeviceLeaf: a new leaf does not
 * compile until it says who sends it.
 */
export const LEAF_SENDER: { readonly [L in DeviceLeaf]: BrokerParty } = {
  state: 'panel',
  'config/desired': 'hub',
  'config/patch': 'hub',
  'config/reported': 'panel',
  'config/request': 'panel',
  events: 'panel',
  'events/ack': 'hub',
  commands: 'hub',
  'commands/result': 'panel',
};

/**
 * Leaves their sender publishes retained. The embedded broker refuses any other retained publish; a
 * retained message on a leaf nobody retains would be replayed to every later subscriber.
 */
export const RETAINED_LEAVES: ReadonlySet<DeviceLeaf> = new Set([
  'state',
  'config/desired',
  'config/reported',
]);

/** Call channels under a panel's subtree (calls.ts): the panel writes `to`, reads `from`; the hub neither. */
export const PANEL_CALL_LEAVES = { write: 'calls/to/+', read: 'calls/from/+' } as const;

export interface LeafRights {
  /** Leaves (relative to `portvakt/v1/devices/<id>/`, `+` for one app device id) the party publishes. */
  readonly write: readonly string[];
  /** Leaves the party subscribes to and receives. */
  readonly read: readonly string[];
}

export function leafRights(party: BrokerParty): LeafRights {
  const leaves = Object.keys(LEAF_SENDER) as DeviceLeaf[];
  const write: string[] = leaves.filter((l) => LEAF_SENDER[l] === party);
  const read: string[] = leaves.filter((l) => LEAF_SENDER[l] !== party);
  if (party === 'panel') {
    write.push(PANEL_CALL_LEAVES.write);
    read.push(PANEL_CALL_LEAVES.read);
  }
  return { write, read };
}

const DEVICES = `${TOPIC_ROOT}/devices/`;

/**
 * Whether a login may publish (`write`), receive (`read`) or subscribe with a filter (`subscribe`).
 * `deviceId` is the panel's own id (its username), undefined for the hub. A panel reaches only its own
 * subtree; the hub every panel's (`+` for the device in a filter). `$share/<group>/` is stripped first.
 */
export function partyMayAccess(
  party: BrokerParty,
  deviceId: string | undefined,
  topic: string,
  access: 'read' | 'write' | 'subscribe',
): boolean {
  const shared = /^\$share\/[^/#+]+\/(.+)$/.exec(topic);
  if (shared && access === 'subscribe' && party === 'hub') topic = shared[1]!;
  if (!topic.startsWith(DEVICES)) return false;
  const [device, ...leafLevels] = topic.slice(DEVICES.length).split('/');
  if (device === undefined || leafLevels.length === 0) return false;
  const deviceOk =
    party === 'panel'
      ? device === deviceId
      : DEVICE_ID_PATTERN.test(device) || (access === 'subscribe' && device === '+');
  if (!deviceOk) return false;
  const rights = leafRights(party);
  const rules = access === 'write' ? rights.write : rights.read;
  return rules.some((rule) => leafMatches(rule, leafLevels, access === 'subscribe'));
}

/** A rule's `+` stands for one app device id; in a subscription it may also be the `+` wildcard itself. */
function leafMatches(rule: string, levels: readonly string[], subscribe: boolean): boolean {
  const ruleLevels = rule.split('/');
  if (ruleLevels.length !== levels.length) return false;
  return ruleLevels.every((r, i) => {
    const level = levels[i]!;
    if (r !== '+') return r === level;
    return DEVICE_ID_PATTERN.test(level) || (subscribe && level === '+');
  });
}

/**
 * The Mosquitto ACL (acl_file) head: the hub's rights over every panel. Each panel then gets its own
 * `user` block (panelAclLines, printed by `portvakt-hub provision`), not a `%u` pattern: a pattern would
 * apply to every login, also to a resident's app device, which must get nothing from this file.
 * `dynsecAdmin` lets the hub admit and revoke app devices through the dynamic security plugin.
 */
export function mosquittoAcl(
  hubUsers: string | readonly string[],
  options: { dynsecAdmin?: boolean } = {},
): string {
  const hub = leafRights('hub');
  // Client id = username: several hub workers (sharedGroup) need one login each, with the same rights.
  const blocks = (typeof hubUsers === 'string' ? [hubUsers] : hubUsers).flatMap((user) => [
    `user ${user}`,
    ...hub.write.map((l) => `topic write ${DEVICES}+/${l}`),
    ...hub.read.map((l) => `topic read ${DEVICES}+/${l}`),
    ...(options.dynsecAdmin ? ['topic readwrite $CONTROL/dynamic-security/#'] : []),
    '',
  ]);
  return [
    '# Generated from cloud-sync/protocol/broker-rights.ts (test/cloud-sync/broker/deploy-files.test.ts',
    '# checks deploy/mosquitto/acl against it). Append one block per panel: the mosquitto.acl.lines that',
    '# `portvakt-hub provision` writes. Then reload Mosquitto (SIGHUP).',
    '',
    '# The hub writes what it sends to every panel and reads what every panel sends. Several hub workers',
    '# need one login each (client id = username): repeat this block for each.',
    ...blocks,
  ].join('\n');
}

/** One panel's block: it writes what it sends and reads what it receives, in its own subtree only. */
export function panelAclLines(deviceId: string): string {
  if (!DEVICE_ID_PATTERN.test(deviceId)) throw new Error(`invalid device id "${deviceId}"`);
  const panel = leafRights('panel');
  return [
    `user ${deviceId}`,
    ...panel.write.map((l) => `topic write ${DEVICES}${deviceId}/${l}`),
    ...panel.read.map((l) => `topic read ${DEVICES}${deviceId}/${l}`),
    '',
  ].join('\n');
}
