/**
 * The broker ACL for residents' app devices (username = app device id), as calls.ts describes it: read
 * only `…/devices/+/calls/to/<itself>`, write only `…/devices/<panel>/calls/from/<itself>`. Shared by the
 * embedded broker and the hub's HTTP ACL endpoint (for Mosquitto with an HTTP auth plugin or EMQX), so
 * both enforce exactly the same rule. On top of it the hub lets an app device write only to panels of
 * its resident's buildings (api/broker-routes.ts; on Mosquitto, the device's dynamic security role).
 * Panels and the hub are not covered here: their rights are in broker-rights.ts.
 */
import { APP_DEVICE_ID_PATTERN, appDeviceCallFilter, parseCallTopic } from './calls.ts';

/** read: a message is delivered; write: a publish; subscribe: a topic filter. */
export type BrokerAccess = 'read' | 'write' | 'subscribe';

export function appDeviceMayAccess(appDeviceId: string, topic: string, access: BrokerAccess): boolean {
  if (!APP_DEVICE_ID_PATTERN.test(appDeviceId)) return false;
  if (access === 'subscribe') {
    // The one wildcard filter (every panel's messages to it), or one panel's topic to it.
    if (topic === appDeviceCallFilter(appDeviceId)) return true;
  }
  // parseCallTopic accepts only concrete device ids, so no other wildcard gets through.
  const parsed = parseCallTopic(topic);
  if (!parsed || parsed.appDeviceId !== appDeviceId) return false;
  return access === 'write' ? parsed.direction === 'from' : parsed.direction === 'to';
}
