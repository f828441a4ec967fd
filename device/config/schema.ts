/**
 * The device config file (YAML) — one zod schema is the single source of the TypeScript type, the
 * defaults, the generated JSON Schema (config/portvakt.schema.json) and the error messages.
 */
import { z } from 'zod';
import { isTimeZone, reportDuplicates } from '../../cloud-sync/protocol/rules.ts';

const id = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, 'must be 1-63 chars of a-z, 0-9, "_" or "-", starting alphanumeric');

const gpioLine = z
  .object({
    chip: z
      .string()
      .min(1)
      .default('gpiochip0')
      .describe('gpiochip label (e.g. "pinctrl-bcm2711") or name ("gpiochip0")'),
    line: z
      .number()
      .int()
      .min(0)
      .max(1023)
      .describe('line offset within the chip (the BCM GPIO number on a Pi)'),
    activeLow: z.boolean().default(false).describe('the line is active when driven/read low'),
  })
  .strict();

const input = gpioLine
  .extend({
    debounceMs: z.number().int().min(0).max(1000).default(30).describe('level must be stable this long'),
  })
  .strict();

const door = z
  .object({
    id,
    name: z.string().min(1).max(100),
    relay: gpioLine.describe('the output that drives the strike or maglock'),
    pulseMs: z.number().int().min(1000).max(30000).default(5000).describe('unlock pulse, 1–30 s'),
    failMode: z
      .enum(['secure', 'safe'])
      .default('secure')
      .describe(
        'secure: strike locked when unpowered (relay energized = unlocked); safe: maglock, energized = locked',
      ),
    exitButton: input.optional().describe('request-to-exit button; unlocks without an alarm'),
    doorContact: input.optional().describe('reed contact; active = door open'),
    tamper: input.optional().describe('tamper switch; active = enclosure opened'),
    heldOpenAfterS: z
      .number()
      .int()
      .min(5)
      .max(3600)
      .default(30)
      .describe('door-held-open alarm after this long'),
  })
  .strict();

const reader = z
  .object({
    id,
    name: z
      .string()
      .min(1)
      .describe('PC/SC reader name, or a prefix of it (names carry a slot suffix such as " 00 00")'),
    doors: z.array(id).min(1).describe('doors this reader opens'),
  })
  .strict();

export const configSchema = z
  .object({
    $schema: z.string().optional(),
    panel: z
      .object({
        id: id.describe('device id, unique per installation'),
        name: z.string().min(1).max(100).default('portvakt panel'),
        timeZone: z
          .string()
          .refine(isTimeZone, 'must be an IANA time zone such as "Europe/Stockholm"')
          .default('UTC')
          .describe('the building time zone used for access schedules'),
      })
      .strict(),
    hardware: z
      .object({
        gpio: z.enum(['sim', 'onoff', 'gpiod']).default('sim').describe('GPIO driver'),
        reader: z.enum(['sim', 'pcsc']).default('sim').describe('card reader driver'),
      })
      .strict()
      .prefault({}),
    doors: z.array(door).min(1).max(16),
    readers: z.array(reader).max(16).default([]),
    access: z
      .object({
        repeatTapWindowMs: z
          .number()
          .int()
          .min(0)
          .max(60000)
          .default(1500)
          .describe('taps of the same card on the same reader within this window are ignored'),
      })
      .strict()
      .prefault({}),
    store: z
      .object({
        path: z.string().min(1).default('/var/lib/portvakt/panel.db').describe('SQLite database file'),
      })
      .strict()
      .prefault({}),
    api: z
      .object({
        host: z
          .string()
          .min(1)
          .default('127.0.0.1')
          .describe('listen address; keep on loopback unless firewalled'),
        port: z.number().int().min(0).max(65535).default(8080),
        installerToken: z
          .string()
          .min(16, 'must be at least 16 characters (no default passwords)')
          .optional()
          .describe('bearer token for installer actions (door unlock); unset disables them'),
      })
      .strict()
      .prefault({}),
    log: z
      .object({
        level: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'),
        uidHashKey: z
          .string()
          .min(16)
          .optional()
          .describe('key for hashing card UIDs in logs and events; random per start when unset'),
      })
      .strict()
      .prefault({}),
  })
  .strict()
  .superRefine((cfg, ctx) => {
    reportDuplicates(ctx, 'doors', cfg.doors, 'id', (d) => `duplicate door id "${d.id}"`);
    reportDuplicates(ctx, 'readers', cfg.readers, 'id', (r) => `duplicate reader id "${r.id}"`);
    const doorIds = new Set(cfg.doors.map((d) => d.id));
    cfg.readers.forEach((r, i) => {
      r.doors.forEach((d, j) => {
        if (!doorIds.has(d))
          ctx.addIssue({ code: 'custom', path: ['readers', i, 'doors', j], message: `unknown door "${d}"` });
      });
    });
    const lines = new Map<string, string>();
    cfg.doors.forEach((d, i) => {
      for (const [role, ref] of [
        ['relay', d.relay],
        ['exitButton', d.exitButton],
        ['doorContact', d.doorContact],
        ['tamper', d.tamper],
      ] as const) {
        if (!ref) continue;
        const key = `${ref.chip}:${ref.line}`;
        const other = lines.get(key);
        if (other)
          ctx.addIssue({
            code: 'custom',
            path: ['doors', i, role, 'line'],
            message: `GPIO ${key} is already used by ${other}`,
          });
        lines.set(key, `doors[${i}].${role}`);
      }
    });
  });

export type PanelConfig = z.output<typeof configSchema>;
export type PanelConfigInput = z.input<typeof configSchema>;
export type DoorConfig = PanelConfig['doors'][number];
export type ReaderConfig = PanelConfig['readers'][number];
export type InputConfig = NonNullable<DoorConfig['exitButton']>;
