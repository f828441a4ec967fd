/**
 * The embedded broker's `panelAuth`, `appDeviceAuth` and `appDeviceAcl` ports answered by the hub's HTTP
 * auth backend (`POST /api/v1/broker/auth` and `/acl`), the way mosquitto-go-auth or EMQX would ask it. A
 * hub that does not answer in time means "refused": the client retries its connection (or its publish).
 * The hub's login answer says whose the login is (`kind`): a panel's is never taken for an app device's.
 */
import type { BrokerAccess } from '../protocol/call-acl.ts';

async function askHub(
  hubBase: string,
  secret: string,
  path: string,
  body: unknown,
  timeoutMs: number,
): Promise<{ allowed: boolean; kind: unknown }> {
  const res = await fetch(`${hubBase}/api/v1/broker/${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(timeoutMs),
  });
  if (res.status !== 200) {
    await res.body?.cancel();
    return { allowed: false, kind: undefined };
  }
  const answer = (await res.json().catch(() => ({}))) as { kind?: unknown };
  return { allowed: true, kind: answer.kind };
}

/** The hub's login check for one kind of client: the other kind's valid login is refused here. */
function hubLoginOf(
  accept: (kind: unknown) => boolean,
  hubBase: string,
  secret: string,
  timeoutMs: number,
): (username: string, password: string) => Promise<boolean> {
  // The embedded broker binds the client id to the username; the hub checks the same.
  return async (username, password) => {
    const { allowed, kind } = await askHub(
      hubBase,
      secret,
      'auth',
      { username, password, clientid: username },
      timeoutMs,
    );
    return allowed && accept(kind);
  };
}

export function hubAppDeviceAuth(
  hubBase: string,
  secret: string,
  timeoutMs = 3000,
): (username: string, password: string) => Promise<boolean> {
  return hubLoginOf((kind) => kind !== 'panel', hubBase, secret, timeoutMs);
}

/** A panel paired at runtime (pairing): the hub holds its password's hash. */
export function hubPanelAuth(
  hubBase: string,
  secret: string,
  timeoutMs = 3000,
): (username: string, password: string) => Promise<boolean> {
  return hubLoginOf((kind) => kind === 'panel', hubBase, secret, timeoutMs);
}

export function hubAppDeviceAcl(
  hubBase: string,
  secret: string,
  timeoutMs = 3000,
): (username: string, topic: string, access: BrokerAccess) => Promise<boolean> {
  return async (username, topic, access) =>
    (await askHub(hubBase, secret, 'acl', { username, topic, access, clientid: username }, timeoutMs))
      .allowed;
}
