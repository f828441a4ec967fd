import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { DEMO_CARDS } from '../../device/sim/demo-building.ts';
import { api } from '../support/http.ts';
import { LAUNCHER, type PanelProcess, startPanel } from '../support/panel-process.ts';
import { tempDir } from '../support/temp-dir.ts';

const cmdline = (pid: number) => readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');

// `portvakt` (bin/portvakt.js) restarts Node in place with the panel's V8 flags: the memory bound of
// rss_growth_mb_under_load holds only if the process that serves the doors really runs with them.
describe('the portvakt launcher', () => {
  let panel: PanelProcess | undefined;
  afterEach(async () => {
    await panel?.stop();
    panel = undefined;
  });

  it('runs the panel in the same process with a capped young generation, and stops cleanly', async () => {
    panel = await startPanel(['--sim', '--port', '0', '--data-dir', tempDir()], {}, 15_000, LAUNCHER);
    // Same pid as spawned (a supervisor's signals reach the panel), now with the flag.
    expect(cmdline(panel.pid)).toContain('--max-semi-space-size=1');
    const res = await api(panel.base, 'POST', '/api/v1/sim/readers/entrance-reader/tap', {
      uid: DEMO_CARDS.resident,
    });
    expect(res.body).toMatchObject({ granted: true });
    const code = await panel.stop();
    panel = undefined;
    expect(code).toBe(0);
  });

  it("leaves the operator's own setting alone", async () => {
    panel = await startPanel(
      ['--sim', '--port', '0', '--data-dir', tempDir()],
      { NODE_OPTIONS: '--max-semi-space-size=4' },
      15_000,
      LAUNCHER,
    );
    expect(cmdline(panel.pid).some((arg) => arg.startsWith('--max-semi-space-size'))).toBe(false);
  });
});
