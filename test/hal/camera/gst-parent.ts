/**
 * A parent process for the "no pipeline outlives its parent" test: starts one supervised gst-launch,
 * prints its PID and idles until killed.
 */
import { GstProcess } from '../../../hal/camera/gst-process.ts';
import { SystemClock } from '../../../lib/clock/clock.ts';
import { silentLogger } from '../../../lib/log/logger.ts';

const gst = new GstProcess({
  name: 'orphan-check',
  args: ['-q', 'audiotestsrc', 'is-live=true', '!', 'fakesink'],
  clock: new SystemClock(),
  logger: silentLogger,
});
console.log(`pid ${await gst.start()}`);
setInterval(() => {}, 60_000);
