/**
 * A bell's ring time changed as an administrator changes it (the hub's admin API), waiting until the
 * panel applied the config the hub published: for the "no answer" screen, which needs a call that rings
 * out (10 s, the shortest a bell allows).
 */
import { until } from '../lab/until.ts';
import { panelJson, type Simulator } from './simulator.ts';

export async function setRingTimeout(sim: Simulator, bellId: string, seconds: number): Promise<void> {
  const hub = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${sim.hub}${path}`, {
      method,
      headers: { authorization: `Bearer ${sim.adminToken}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
    return (await res.json()) as Record<string, unknown>;
  };
  const panelId = String((await panelJson(sim, '/healthz'))['panelId']);
  type Config = { publishedVersion: number | null; reportedVersion: number | null };
  const config = async () => (await hub('GET', `/api/v1/panels/${panelId}`))['config'] as Config;
  const before = (await config()).publishedVersion ?? 0;
  await hub('PATCH', `/api/v1/doorbells/${bellId}`, { ringTimeoutS: seconds });
  await until(async () => {
    const now = await config();
    return (now.publishedVersion ?? 0) > before && (now.reportedVersion ?? 0) >= (now.publishedVersion ?? 0);
  }, 'the panel to apply the ring time');
}
