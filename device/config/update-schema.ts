/** The `update` section: signed A/B software updates (device/update/, docs/updates.md). */
import { z } from 'zod';
import { filePath } from './config-fields.ts';

export const updateConfigSchema = z
  .object({
    engine: z
      .enum(['rauc', 'sim'])
      .default('rauc')
      .describe('rauc: Debian RAUC on the panel image; sim: slots in a state file (tests, simulator)'),
    keyring: filePath
      .default('/etc/rauc/keyring.pem')
      .describe('release certificate(s) a bundle must chain to; pinned in the read-only root'),
    backend: filePath
      .default('/opt/portvakt/deploy/rauc/tryboot-backend')
      .describe('the tryboot bootloader backend (reboots into the trial slot)'),
    dir: filePath
      .default('/var/lib/portvakt/update')
      .describe('on the data partition: the downloaded bundle and the record of an installed update'),
  })
  .strict();

export type UpdateConfig = z.output<typeof updateConfigSchema>;
