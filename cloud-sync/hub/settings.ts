/**
 * The hub's settings — one zod schema is the single source of their TypeScript type, defaults,
 * descriptions (the `serve --help` text) and error messages, as the panel's config is
 * (device/config/schema.ts). `portvakt-hub serve` maps its flags and environment onto it
 * (cli/serve-settings.ts); tests build it in code. The `Hub` takes only parsed settings: the type is
 * branded, so nothing else can pass for it.
 */
import { resolve } from 'node:path';
import { z } from 'zod';
import { ConfigError, errorMessage } from '../../lib/errors.ts';
import { LOG_LEVELS } from '../../lib/log/logger.ts';
import { secretSetting } from '../../lib/log/secret-settings.ts';
import { brokerOptions } from '../../lib/mqtt/broker-url.ts';
import { pairingSettingsSchema } from './pairing/pairing-settings.ts';
import { trustedProxiesSchema } from './residents/client-address.ts';
import { loginLimitsSchema } from './residents/login-limiter.ts';
import { residentRateLimitsSchema } from './residents/rate-limit.ts';
import { turnSettingsSchema } from './residents/turn-credentials.ts';

export const DEFAULT_DATA_DIR = './hub-data';
/** Where scripts/build-web.ts puts the resident web app in a checkout. */
export const DEFAULT_WEB_DIR = resolve(import.meta.dirname, '../../dist/web/resident');
/** Where scripts/build-web.ts puts WebAdmin in a checkout. */
export const DEFAULT_ADMIN_WEB_DIR = resolve(import.meta.dirname, '../../dist/web/admin');

/** A shared secret: required where it is set, never a guessable default. */
const secret = secretSetting(
  z
    .string({
      error: (issue) => (issue.input === undefined ? 'is required (at least 16 characters)' : undefined),
    })
    .min(16, 'must be at least 16 characters'),
);

const brokerUrl = z.string().superRefine((url, ctx) => {
  try {
    brokerOptions(url);
  } catch (err) {
    ctx.addIssue({ code: 'custom', message: errorMessage(err) });
  }
});

const mqtt = z
  .object({
    url: brokerUrl.default('mqtt://127.0.0.1:1883').describe('the MQTT broker'),
    clientId: z.string().min(1).default('portvakt-hub').describe('MQTT client id, unique per hub worker'),
    username: z.string().min(1).optional().describe('broker login'),
    password: secretSetting(z.string().min(1)).optional().describe('broker password'),
    protocolVersion: z
      .union([z.literal(5), z.literal(4)], { error: 'must be 4 or 5' })
      .default(5)
      .describe('use 4 for brokers without MQTT 5'),
    sessionExpiryS: z
      .number()
      .int()
      .min(0)
      .default(7 * 86_400)
      .describe('how long the broker keeps the session (and queued events) while the hub is away'),
    sharedGroup: z
      .string()
      .min(1)
      .optional()
      .describe('subscribe via $share/NAME/… so several workers split the load'),
    ca: z.string().min(1).optional().describe('CA certificate (PEM file) for mqtts://'),
    backoff: z
      .object({ initialMs: z.number().int().min(1), maxMs: z.number().int().min(1) })
      .strict()
      .default({ initialMs: 1000, maxMs: 60_000 })
      .describe('reconnect delays'),
  })
  .strict();

const http = z
  .object({
    host: z.string().min(1).default('127.0.0.1').describe('admin API listen address'),
    port: z
      .number({ error: 'must be a port number' })
      .int('must be a port number')
      .min(0, 'must be 0-65535')
      .max(65_535, 'must be 0-65535')
      .default(8090)
      .describe('admin API port (0: any free one)'),
    allowedOrigins: z
      .array(
        z
          .string()
          .regex(/^https?:\/\/[^\s/?#]+$/, 'must be origins such as "https://hub.example.com" (no path)'),
      )
      .max(32)
      .optional()
      .describe(
        'origins browsers reach the hub under (comma-separated), besides its IP addresses and localhost: their host names are accepted in Host and they may send state-changing requests',
      ),
  })
  .strict();

const DAY_MS = 86_400_000;

/**
 * Resident sessions. Idle 30 days: the app is a door phone that must stay logged in to ring, and every
 * API call and broker connect counts as use, so a phone in use never idles out, while a lost or abandoned
 * one stops ringing and opening within a month. Absolute 90 days: bounds what a stolen token or broker
 * password is worth whatever its use, at the cost of typing the password once a quarter. Dormant devices
 * one hour: a logout followed by a login (switching accounts, trouble-shooting) publishes no config, while
 * a resident who really logged out is skipped by the panels' bells (phone fallback) an hour later.
 */
const residentSessions = z
  .object({
    idleMs: z
      .number()
      .int()
      .min(60_000)
      .default(30 * DAY_MS)
      .describe('a session unused this long ends'),
    absoluteMs: z
      .number()
      .int()
      .min(60_000)
      .default(90 * DAY_MS)
      .describe('a session ends this long after its login, used or not'),
    dormantDeviceMs: z
      .number()
      .int()
      .min(60_000)
      .default(3_600_000)
      .describe(
        "an app device without a session this long leaves the panels' directory (they stop ringing it and fall back to the phone); a re-login of the install within it changes no config",
      ),
    sweepIntervalMs: z
      .number()
      .int()
      .min(1000)
      .default(60_000)
      .describe('how often expired sessions are ended (and their broker connections cut) unasked'),
  })
  .strict()
  .refine((s) => s.idleMs <= s.absoluteMs, 'idleMs must not exceed absoluteMs');

const residentApp = z
  .object({
    brokerWsUrl: z
      .string()
      .regex(/^wss?:\/\/[^\s]+$/, 'must be a ws:// or wss:// URL')
      .optional()
      .describe("the broker's MQTT-over-WebSocket URL as residents' browsers reach it; unset: no calls"),
    brokerAuthSecret: secret
      .optional()
      .describe(
        'turns on POST /api/v1/broker/auth and /acl, the HTTP auth backend the broker asks about app devices (at least 16 characters)',
      ),
    webDir: z
      .string()
      .min(1)
      .transform((dir) => resolve(dir))
      .default(DEFAULT_WEB_DIR)
      .describe('the built resident web app, served at /app/'),
    brokerAdmission: z
      .enum(['auth-backend', 'dynamic-security'])
      .default('auth-backend')
      .describe(
        "how the broker learns an app device's login: it asks the hub's auth backend (the embedded broker, EMQX), or the hub creates it in Mosquitto's dynamic security plugin at login (deploy/mosquitto/)",
      ),
    loginLimits: loginLimitsSchema.prefault({}),
    rateLimits: residentRateLimitsSchema.prefault({}),
    sessions: residentSessions.prefault({}),
    trustedProxies: trustedProxiesSchema,
  })
  .strict();

/** A SIP domain (the digest realm of the panels' accounts): a host name or address, as the edge knows it. */
export const sipDomainSchema = z
  .string()
  .regex(/^[A-Za-z0-9](?:[A-Za-z0-9.-]{0,62}[A-Za-z0-9])?$/, 'must be a host name such as "sip.example.com"');

/** The SIP edge's WebSocket URL as panels reach it (ws:// only on a trusted network). */
export const sipEdgeUrlSchema = z
  .string()
  .regex(/^wss?:\/\/[^\s/?#]+(?:\/[^\s?#]*)?$/, 'must be a wss:// URL such as "wss://sip.example.com:8443"');

/**
 * The phone fallback: the SIP edge (deploy/sip/) whose database the hub keeps in step with its panels and
 * their building's residents. Absent: the hub provisions no phone fallback (and says so at start).
 */
const sip = z
  .object({
    edgeDb: z
      .string()
      .min(1)
      .transform((path) => resolve(path))
      .describe("the SIP edge's SQLite database (Kamailio reads it, only the hub writes it)"),
    edgeUrl: sipEdgeUrlSchema.describe("the SIP edge's WebSocket URL as panels reach it"),
    domain: sipDomainSchema.describe("the SIP domain (digest realm) of the panels' accounts at the edge"),
    caFile: z
      .string()
      .min(1)
      .optional()
      .describe("path, on the panel, of the PEM CA file the edge's TLS certificate chains to"),
  })
  .strict();

export const hubSettingsSchema = z
  .object({
    dataDir: z.string().min(1).default(DEFAULT_DATA_DIR).describe('holds hub.db and the signing key'),
    adminToken: secret.describe('bearer token of the admin API (at least 16 characters)'),
    mqtt: mqtt.prefault({}),
    http: http.prefault({}),
    residentApp: residentApp.prefault({}),
    turn: turnSettingsSchema
      .optional()
      .describe('TURN relay for app devices behind NAT (coturn, REST API credentials); unset: no TURN'),
    webAdmin: z
      .object({
        webDir: z
          .string()
          .min(1)
          .transform((dir) => resolve(dir))
          .default(DEFAULT_ADMIN_WEB_DIR)
          .describe('the built WebAdmin app, served at /admin/'),
      })
      .strict()
      .prefault({}),
    sip: sip.optional().describe('the SIP edge of the phone fallback; absent: no phone fallback'),
    releases: z
      .object({
        keyring: z
          .string()
          .min(1)
          .describe(
            'the release certificate(s) panels pin (/etc/rauc/keyring.pem in the image): bundles must chain to it',
          ),
        publicUrl: z
          .string()
          .regex(/^https?:\/\/[^\s?#]+$/, 'must be an http(s) URL such as "https://hub.example.com"')
          .describe(
            'the URL panels reach the bundle server under (a proxy in front of host:port): commands name bundles there',
          ),
        host: z.string().min(1).default('127.0.0.1').describe('bundle server listen address'),
        port: z
          .number()
          .int()
          .min(0)
          .max(65_535)
          .default(8091)
          .describe('bundle server port (0: any free one)'),
        maxConcurrentDownloads: z
          .number()
          .int()
          .min(1)
          .max(64)
          .default(4)
          .describe('bundles served at once; more panels wait (503, they retry on the next command)'),
      })
      .strict()
      .optional()
      .describe('signed software updates (RAUC bundles) for panels; absent: no updates'),
    pairing: pairingSettingsSchema
      .optional()
      .describe('pairing new panels by a code on their screen (pairing/); absent: only `provision` kits'),
    metrics: z
      .object({
        token: secret.describe(
          'bearer token Prometheus sends to GET /metrics (at least 16 characters; not the admin token)',
        ),
      })
      .strict()
      .optional()
      .describe('Prometheus /metrics on the API port (metrics/); absent: no /metrics'),
    recompileIntervalMs: z
      .number()
      .int()
      .min(0)
      .default(200)
      .describe(
        'how often the hub checks for changes by the CLI or other workers (one PRAGMA data_version; it recompiles only when another connection committed), so they reach panels at once; 0: never',
      ),
    log: z
      .object({
        level: z
          .enum(LOG_LEVELS)
          .default('info')
          .describe('trace, debug, info, warn, error, fatal or silent'),
      })
      .strict()
      .prefault({}),
  })
  .strict()
  .brand<'HubSettings'>();

export type HubSettings = z.output<typeof hubSettingsSchema>;
export type HubSettingsInput = z.input<typeof hubSettingsSchema>;

/** Parses settings built in code; a bad value is a ConfigError naming its path. */
export function parseHubSettings(input: HubSettingsInput): HubSettings {
  const result = hubSettingsSchema.safeParse(input);
  if (result.success) return result.data;
  const issues = result.error.issues.map((i) => `${i.path.join('.') || '(top level)'}: ${i.message}`);
  throw new ConfigError(`invalid hub settings: ${issues.join('; ')}`, issues);
}
