/**
 * A panel stand-in for the media isolation tests: starts a MediaEngine on the sim camera with the
 * isolation named in argv[2] (thread or process), prints the media pid and idles until killed.
 */

import { MediaEngine } from '../../../device/media/engine.ts';
import type { MediaIsolation } from '../../../device/media/media-link.ts';
import { cameraConfigSchema } from '../../../hal/camera/config-schema.ts';
import { createAvSource, createSpeaker } from '../../../hal/camera/drivers.ts';
import { SystemClock } from '../../../lib/clock/clock.ts';
import { silentLogger } from '../../../lib/log/logger.ts';

const clock = new SystemClock();
const deps = { clock, logger: silentLogger };
const engine = new MediaEngine({
  source: createAvSource(cameraConfigSchema.parse({ codec: 'vp8' }), deps),
  speaker: createSpeaker({ driver: 'sim' }, deps),
  clock,
  logger: silentLogger,
  isolation: (process.argv[2] ?? 'process') as MediaIsolation,
});
await engine.start();
console.log(`media ${(await engine.stats()).mediaPid}`);
setInterval(() => {}, 60_000);
