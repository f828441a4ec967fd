/**
 * The kiosk's settings (`/etc/portvakt/kiosk.yaml`, example in deploy/kiosk/kiosk.yaml): one zod schema
 * from which the type, the defaults and the errors naming the bad key derive.
 *
 * A file of its own, not a section of the panel's `panel.yaml`: the kiosk runs as its own unprivileged
 * user (a browser renders whatever it is given), and `panel.yaml` holds the panel's secrets (0600, the
 * panel's user only). Nothing here is secret.
 */
import { readFileSync } from 'node:fs';
import { parseDocument } from 'yaml';
import { z } from 'zod';
import { isTimeZone } from '../../cloud-sync/protocol/rules.ts';
import { ConfigError, errorMessage } from '../../lib/errors.ts';

export const DEFAULT_KIOSK_CONFIG_PATH = '/etc/portvakt/kiosk.yaml';

const clockTime = z
  .string()
  .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a time of day "HH:MM" (00:00–23:59)');

/** Minutes after midnight of an "HH:MM" the schema accepted. */
export function minuteOfDay(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
}

const chromium = z
  .object({
    path: z
      .string()
      .default('/usr/lib/chromium/chromium')
      .describe("Debian's Chromium binary itself, not the /usr/bin/chromium wrapper (see docs/kiosk.md)"),
    gpu: z
      .boolean()
      .default(false)
      .describe(
        'let Chromium use the GPU; off draws in software, which the panel page needs little of and saves ' +
          'the GPU process (about 60 MB, docs/kiosk.md)',
      ),
    debugPort: z
      .number()
      .int()
      .min(1024)
      .max(65535)
      .nullable()
      .default(null)
      .describe('a DevTools port on 127.0.0.1 for troubleshooting and the tests; off in service'),
    extraFlags: z
      .array(z.string().regex(/^--[a-z0-9-]+(=.*)?$/, 'must be a Chromium flag "--name" or "--name=value"'))
      .default([])
      .describe('appended after the kiosk flags (a later flag wins)'),
  })
  .strict()
  .prefault({});

const blanking = z
  .object({
    enabled: z.boolean().default(true),
    from: clockTime.default('23:00').describe('night starts (local time)'),
    to: clockTime
      .default('06:00')
      .describe('night ends; before "from" means the night crosses midnight; equal to "from": all day'),
    idleSeconds: z
      .number()
      .int()
      .min(1)
      .max(3600)
      .default(60)
      .describe('at night the screen goes dark after this long without a touch'),
    timeZone: z
      .string()
      .refine(isTimeZone, 'must be an IANA time zone such as "Europe/Oslo"')
      .optional()
      .describe("the night's time zone; the system's by default"),
    backlight: z
      .string()
      .default('auto')
      .describe('"auto" (the first of /sys/class/backlight) or a backlight directory'),
  })
  .strict()
  .prefault({});

export const kioskConfigSchema = z
  .object({
    url: z
      .url({ protocol: /^https?$/ })
      .default('http://127.0.0.1:8080/panel/')
      .describe("the panel page, from the panel's local API"),
    rotate: z
      .union([z.literal(0), z.literal(90), z.literal(180), z.literal(270)])
      .default(0)
      .describe('degrees clockwise, for a screen mounted in portrait or upside down (cage -r)'),
    chromium,
    blanking,
  })
  .strict();

export type KioskConfig = z.output<typeof kioskConfigSchema>;

export function loadKioskConfig(path: string): KioskConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError(`cannot read kiosk config ${path}: ${errorMessage(err)}`);
  }
  return parseKioskConfig(text, path);
}

export function parseKioskConfig(text: string, source = 'kiosk config'): KioskConfig {
  const doc = parseDocument(text, { uniqueKeys: true });
  if (doc.errors.length > 0) {
    const issues = doc.errors.map((e) => e.message.split('\n')[0] ?? e.message);
    throw new ConfigError(`${source} is not valid YAML: ${issues.join('; ')}`, issues);
  }
  // An empty file is all defaults.
  const raw = (doc.toJS() as unknown) ?? {};
  const result = kioskConfigSchema.safeParse(raw);
  if (result.success) return result.data;
  const issues = result.error.issues.map((issue) => {
    const key = issue.path.join('.') || '(top level)';
    if (issue.code === 'unrecognized_keys') return `${key}: unknown key(s) ${issue.keys.join(', ')}`;
    return `${key}: ${issue.message}`;
  });
  throw new ConfigError(`${source} is invalid:\n  - ${issues.join('\n  - ')}`, issues);
}
