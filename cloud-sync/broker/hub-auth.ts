/**
 * The embedded broker's `appDeviceAuth` port answered by the hub's HTTP auth backend
 * (`POST /api/v1/broker/auth`), the way mosquitto-go-auth or EMQX would ask it in production. A hub that
 * does not answer in time means "refused": the app device retries its connection.
 */
export function hubAppDeviceAuth(
  hubBase: string,
  secret: string,
  timeoutMs = 3000,
): (username: string, password: string) => Promise<boolean> {
  return async (username, password) => {
    const res = await fetch(`${hubBase}/api/v1/broker/auth`, {
      method: 'POST',
      headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' },
      body: JSON.stringify({ username, password, clientid: username }),
      signal: AbortSignal.timeout(timeoutMs),
    });
    await res.body?.cancel();
    return res.status === 200;
  };
}
