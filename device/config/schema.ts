/**
 * The device config file (YAML) — one zod schema is the single source of the TypeScript type, the
 * defaults, the generated JSON Schema (config/portvakt.schema.json) and the error messages.
 */
import { z } from 'zod';
import { pulseMsSchema } from '../../cloud-sync/protocol/door-pulse.ts';
import { isTimeZone, reportDuplicates } from '../../cloud-sync/protocol/rules.ts';
import { mediaConfigSchema } from '../../hal/camera/config-schema.ts';
import { pinHashSchema } from '../../lib/crypto/pin-hash.ts';
import { LOG_LEVELS } from '../../lib/log/logger.ts';
import { secretSetting } from '../../lib/log/secret-settings.ts';
import { MEDIA_ISOLATIONS } from '../media/protocol.ts';
import { filePath, secretText } from './config-fields.ts';
import { homeAssistantConfigSchema } from './home-assistant-schema.ts';
import { metricsConfigSchema } from './metrics-schema.ts';
import { osdpConfigSchema } from './osdp-schema.ts';
import { pairingConfigSchema } from './pairing-schema.ts';
import { phoneConfigSchema } from './phone-schema.ts';
import { updateConfigSchema } from './update-schema.ts';

/** Its folder is the panel's data dir: the database, and provisioned.yaml once paired (layered.ts). */
export const DEFAULT_STORE_PATH = '/var/lib/portvakt/panel.db';

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
    pulseMs: pulseMsSchema.default(5000).describe('unlock pulse, 1–30 s'),
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

/**
 * Bounds on the call signaling app devices send, checked before a message is parsed: any resident's app
 * login can publish on a panel's call topic, so these keep a flood from costing the panel more than
 * counting it. The defaults sit far above a real call (a ring, an answer, tens of ICE candidates in a
 * burst, accept, open): only traffic no app sends is turned away.
 */
const callLimits = z
  .object({
    perAppDeviceRatePerS: z
      .number()
      .min(1)
      .max(1000)
      .default(20)
      .describe('messages a second one app device may send, sustained'),
    perAppDeviceBurst: z
      .number()
      .int()
      .min(10)
      .max(10000)
      .default(100)
      .describe('messages one app device may send at once (a real call sends a few dozen)'),
    perPanelRatePerS: z
      .number()
      .min(1)
      .max(10000)
      .default(100)
      .describe('messages a second all app devices together may send, sustained'),
    perPanelBurst: z
      .number()
      .int()
      .min(10)
      .max(100000)
      .default(400)
      .describe('messages all app devices together may send at once'),
    refusalWindowS: z
      .number()
      .int()
      .min(1)
      .max(3600)
      .default(60)
      .describe('refused and rate-limited messages of one app device are audited as one row per window'),
  })
  .strict();

export type CallLimitsConfig = z.output<typeof callLimits>;
/** The limits of a panel whose config has no intercom section (its call topic is still subscribed). */
export const DEFAULT_CALL_LIMITS: CallLimitsConfig = callLimits.parse({});

/** The video door phone. Calls reach residents' app devices over the sync broker, so it needs `sync`. */
const intercom = z
  .object({
    enabled: z
      .boolean()
      .default(true)
      .describe('false: no directory ringing (the panel is a card reader only)'),
    media: mediaConfigSchema.prefault({}).describe('camera, microphone and speaker (GStreamer pipelines)'),
    mediaIsolation: z
      .enum(MEDIA_ISOLATIONS)
      .default('thread')
      .describe(
        'where WebRTC (werift) runs: thread, a worker thread of the panel (~45 MB less memory, heap capped); ' +
          'process, a process of its own (a native fault in the media path cannot stop the door control)',
      ),
    snapshotWaitMs: z
      .number()
      .int()
      .min(0)
      .max(1000)
      .default(40)
      .describe('how long a ring waits for the visitor picture before it goes out without one'),
    loopbackOnly: z
      .boolean()
      .default(false)
      .describe('WebRTC over 127.0.0.0/8 only (the simulator and tests); false: every interface'),
    iceServers: z
      .array(
        z
          .object({
            urls: z.string().regex(/^(stun|turns?):[^\s]{1,250}$/, 'must be a stun:, turn: or turns: URL'),
            username: z.string().min(1).max(200).optional(),
            credential: secretSetting(z.string().min(1).max(200)).optional(),
          })
          .strict(),
      )
      .max(8)
      .default([])
      .describe('STUN/TURN servers, for app devices outside the panel network (NAT)'),
    callLimits: callLimits.prefault({}).describe('rate limits on call signaling from app devices'),
    phone: phoneConfigSchema
      .optional()
      .describe('the phone fallback over SIP; absent: residents without the app are not called'),
  })
  .strict();

/** Cloud sync (MQTT). Absent: the panel runs offline, on the building data it has. */
const sync = z
  .object({
    brokerUrl: z
      .string()
      .regex(
        /^mqtts?:\/\/[^\s/]+(?::\d+)?\/?$/,
        'must be mqtts://host[:port] (or mqtt:// on a trusted network)',
      )
      .describe('MQTT broker; the device id (panel.id) is the client id'),
    username: z.string().min(1).max(128).optional().describe('broker login; defaults to panel.id'),
    password: secretText().max(1024).describe('broker password'),
    ca: filePath.optional().describe('PEM file of the CA the broker certificate must chain to (pinned)'),
    cert: filePath.optional().describe('PEM client certificate, for brokers that require one'),
    key: filePath.optional().describe('PEM private key of the client certificate'),
    hubPublicKey: z
      .string()
      .regex(/^[A-Za-z0-9_-]{43}$/, 'must be a 32-byte Ed25519 public key in base64url')
      .describe('the cloud hub key that signs commands'),
    mqttVersion: z
      .union([z.literal(5), z.literal(4)])
      .default(5)
      .describe(
        "5: MQTT 5 (session expiry honoured); 4: MQTT 3.1.1, for brokers without MQTT 5 such as the simulator's embedded one",
      ),
    sessionExpiryS: z
      .number()
      .int()
      .min(60)
      .max(30 * 86_400)
      .default(7 * 86_400)
      .describe('how long the broker keeps the session (subscriptions, queued commands) while offline'),
    backlogEventsPerS: z
      .number()
      .int()
      .min(10)
      .max(100_000)
      .default(5000)
      .describe('pace of the event backlog after an outage; live events are not limited'),
    outboxMaxRows: z
      .number()
      .int()
      .min(1000)
      .max(10_000_000)
      .default(200_000)
      .describe('unacked events kept while offline; beyond it the oldest low-priority ones are dropped'),
    outboxRetainAckedRows: z
      .number()
      .int()
      .min(0)
      .max(10_000_000)
      .default(50_000)
      .describe('events already stored at the cloud that stay in the local log'),
  })
  .strict()
  .superRefine((s, ctx) => {
    if ((s.cert === undefined) !== (s.key === undefined))
      ctx.addIssue({ code: 'custom', path: ['cert'], message: 'cert and key go together' });
    if (s.brokerUrl.startsWith('mqtt://') && (s.ca || s.cert))
      ctx.addIssue({ code: 'custom', path: ['brokerUrl'], message: 'ca/cert/key need an mqtts:// broker' });
  });

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
        reader: z.enum(['sim', 'pcsc', 'osdp']).default('sim').describe('card reader driver'),
      })
      .strict()
      .prefault({}),
    doors: z.array(door).min(1).max(16),
    readers: z.array(reader).max(16).default([]),
    osdp: osdpConfigSchema
      .optional()
      .describe('RS-485 buses and their OSDP readers (hardware.reader: osdp); names match readers[].name'),
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
        path: z.string().min(1).default(DEFAULT_STORE_PATH).describe('SQLite database file'),
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
        installerToken: secretText()
          .optional()
          .describe('bearer token for installer actions (door unlock); unset disables them'),
        installerPinHash: secretSetting(pinHashSchema)
          .optional()
          .describe(
            'scrypt hash of the installer PIN for installer mode on the screen (written by `portvakt-hub provision`; `portvakt set-installer-pin` overrides it from the data folder); unset: installer mode is disabled',
          ),
        readToken: secretText()
          .optional()
          .describe(
            'bearer token for reading the audit log (GET /api/v1/events); the installer token reads it too',
          ),
        allowedOrigins: z
          .array(
            z
              .string()
              .regex(
                /^https?:\/\/[^\s/?#]+$/,
                'must be an origin such as "http://panel.local:8080" (no path)',
              ),
          )
          .max(16)
          .default([])
          .describe(
            'origins a browser may reach this API under besides its IP addresses and localhost (their host names are accepted in Host, and they may ring and hang up)',
          ),
      })
      .strict()
      .prefault({}),
    log: z
      .object({
        level: z.enum(LOG_LEVELS).default('info'),
        uidHashKey: secretSetting(z.string().min(16))
          .optional()
          .describe('key for hashing card UIDs in logs and events; random per start when unset'),
      })
      .strict()
      .prefault({}),
    sync: sync.optional(),
    pairing: pairingConfigSchema
      .optional()
      .describe('pairing with the hub by a code on the screen; with no sync section the panel is unpaired'),
    intercom: intercom.optional().describe('absent: no intercom'),
    homeAssistant: homeAssistantConfigSchema
      .optional()
      .describe("Home Assistant over MQTT discovery on the owner's broker; absent: off"),
    metrics: metricsConfigSchema
      .optional()
      .describe('Prometheus /metrics on a listener of its own (device/metrics/); absent: off'),
    update: updateConfigSchema
      .optional()
      .describe('signed A/B software updates started by the hub; absent: update commands are refused'),
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
    checkOsdpReaders(cfg, ctx);
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

/** The osdp section belongs to the osdp driver, and each of its readers to a configured reader. */
function checkOsdpReaders(
  cfg: {
    hardware: { reader: string };
    readers: { name: string }[];
    osdp?: { buses: { readers: { name: string }[] }[] } | undefined;
  },
  ctx: z.RefinementCtx,
): void {
  if (cfg.hardware.reader === 'osdp' && !cfg.osdp)
    ctx.addIssue({ code: 'custom', path: ['osdp'], message: 'is required when hardware.reader is "osdp"' });
  const names = new Set(cfg.readers.map((r) => r.name));
  cfg.osdp?.buses.forEach((bus, i) => {
    bus.readers.forEach((r, j) => {
      if (!names.has(r.name))
        ctx.addIssue({
          code: 'custom',
          path: ['osdp', 'buses', i, 'readers', j, 'name'],
          message: `no reader named "${r.name}" in readers[]`,
        });
    });
  });
}

export type PanelConfig = z.output<typeof configSchema>;
export type PanelConfigInput = z.input<typeof configSchema>;
export type DoorConfig = PanelConfig['doors'][number];
export type ReaderConfig = PanelConfig['readers'][number];
export type SyncConfig = NonNullable<PanelConfig['sync']>;
export type PairingConfig = NonNullable<PanelConfig['pairing']>;
export type IntercomConfig = NonNullable<PanelConfig['intercom']>;
export type { HomeAssistantConfig } from './home-assistant-schema.ts';
export type { MetricsConfig } from './metrics-schema.ts';
export type PhoneConfig = NonNullable<IntercomConfig['phone']>;
export { phoneConfigSchema };
export type InputConfig = NonNullable<DoorConfig['exitButton']>;
