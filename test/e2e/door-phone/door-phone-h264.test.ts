/** The same call with the camera encoding H.264 constrained baseline (x264 here, the Pi 4's hardware
 * encoder on a panel): Chromium decodes it, early media included. */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromiumBrowser } from '../../../scripts/lab/chromium.ts';
import { until } from '../../../scripts/lab/until.ts';
import {
  appCall,
  cameraPipelinePid,
  logInApp,
  panelJson,
  residentPassword,
  ringUntilRung,
  type Simulator,
  startSimulator,
} from '../../../scripts/sim/simulator.ts';

describe('video door phone with H.264', () => {
  let sim: Simulator;
  let browser: Awaited<ReturnType<typeof launchChromiumBrowser>>;

  beforeAll(async () => {
    sim = await startSimulator(['--codec', 'h264']);
    browser = await launchChromiumBrowser();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await sim?.stop();
  });

  it('rings with H.264 video that the browser decodes before and after answering', async () => {
    const pid = cameraPipelinePid(sim);
    expect(readFileSync(`/proc/${pid}/cmdline`, 'utf8')).toContain('x264enc');
    const resident = await browser.newPage();
    await logInApp(resident, sim, 'resident-01', await residentPassword(sim, 'resident-01'), 'Anna h264');
    await ringUntilRung(sim, () => panelJson(sim, '/api/v1/bells/bell-anna/ring', 'POST'), [resident]);
    await until(async () => ((await appCall(resident))?.framesDecoded ?? 0) > 5, 'H.264 video while ringing');
    await resident.getByTestId('accept-video').click();
    const before = (await appCall(resident))!.framesDecoded;
    await until(
      async () => ((await appCall(resident))?.framesDecoded ?? 0) > before + 30,
      'H.264 video in the call',
    );
    await resident.getByTestId('hangup').click();
    await until(async () => (await panelJson(sim, '/api/v1/call'))['phase'] === 'idle', 'the call to end');
  }, 90_000);
});
