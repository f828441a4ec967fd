/** Field types the panel config's sections share. */
import { z } from 'zod';
import { secretSetting } from '../../lib/log/secret-settings.ts';

/** A password or token: at least 16 characters, never echoed in a config error (secret-settings.ts). */
export const secretText = () =>
  secretSetting(z.string().min(16, 'must be at least 16 characters (no default passwords)'));

export const filePath = z.string().min(1);
