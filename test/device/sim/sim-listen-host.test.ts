/**
 * `portvakt --sim --host ADDR`: the simulator's API listens where it is told (the container passes
 * 0.0.0.0 so that a published port reaches it). Without it, loopback only (the default every other
 * simulator test runs on).
 */
import { afterEach, expect, it } from 'vitest';
import { type PanelProcess, startPanel } from '../../support/panel-process.ts';
import { tempDir } from '../../support/temp-dir.ts';

let panel: PanelProcess | undefined;
afterEach(async () => {
  await panel?.stop();
  panel = undefined;
});

const listensOn = (output: string) =>
  /"host":"([^"]+)","port":\d+,"panelId":"[^"]*","msg":"panel ready"/.exec(output)?.[1];

it('listens on the address --host names, and answers there', async () => {
  panel = await startPanel(['--sim', '--port', '0', '--host', '0.0.0.0', '--data-dir', tempDir()]);
  expect(listensOn(panel.output())).toBe('0.0.0.0');
  // Every local address reaches a wildcard listener: 127.0.0.1 (what startPanel uses) among them.
  expect((await fetch(`${panel.base}/healthz`)).status).toBe(200);
});
