/**
 * The embedded broker's `appDeviceAuth` and `appDeviceAcl` ports answered by the hub's HTTP auth backend
 * (`POST /api/v1/broker/auth` and `/acl`), the way mosquitto-go-auth or EMQX would ask it. A hub that
 * does not answer in time means "refused": the app device retries its connection (or its publish).
 */
import type { BrokerAccess } from '../protocol/call-acl.ts';

async function askHub(hubBase: string, secret: string, path: string, body: unknown, timeoutMs: number) {
  const res = await fetch(`${hubBase}/api/v1/broker/${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(timeoutMs),
  });
  await res.body?.cancel();
  return res.status === 200;
}

export function hubAppDeviceAuth(
  hubBase: string,
  secret: string,
  timeoutMs = 3000,
): (username: string, password: string) => Promise<boolean> {
  // The embedded broker binds the client id to the username; the hub checks the same.
  return (username, password) =>
    askHub(hubBase, secret, 'auth', { username, password, clientid: username }, timeoutMs);
}

export function hubAppDeviceAcl(
  hubBase: string,
  secret: string,
  timeoutMs = 3000,
): (username: string, topic: string, access: BrokerAccess) => Promise<boolean> {
  return (username, topic, access) =>
    askHub(hubBase, secret, 'acl', { username, topic, access, clientid: username }, timeoutMs);
}
