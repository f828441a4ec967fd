/**
 * Where each setting of `serve` comes from: a flag, an environment variable, or both (the flag wins).
 * Secrets come from the environment only, never from argv (other users can read a process's arguments).
 * This table maps flags and environment onto the settings schema (settings.ts), names the flag or variable
 * when the schema refuses a value, and writes the option list of `--help` with the schema's descriptions
 * and defaults.
 */
import { z } from 'zod';
import { ValidationError } from '../../../lib/errors.ts';
import { isSecretAt } from '../../../lib/log/secret-settings.ts';
import { type HubSettings, hubSettingsSchema } from '../settings.ts';
import { type Options, optional } from './common.ts';

interface Source {
  /** Where the value goes in the settings. */
  path: readonly string[];
  flag?: string;
  /** Placeholder of the flag's value, for `--help`. */
  arg?: string;
  env?: string;
  /** Flags and variables are text; these settings are numbers. */
  number?: boolean;
  /** A comma-separated list (spaces around the commas allowed). */
  list?: boolean;
}

const SOURCES: readonly Source[] = [
  { path: ['mqtt', 'url'], flag: 'broker-url', arg: 'URL', env: 'PORTVAKT_HUB_BROKER_URL' },
  { path: ['mqtt', 'username'], flag: 'broker-username', arg: 'U', env: 'PORTVAKT_HUB_BROKER_USERNAME' },
  { path: ['mqtt', 'ca'], flag: 'ca', arg: 'FILE' },
  { path: ['mqtt', 'clientId'], flag: 'client-id', arg: 'ID' },
  { path: ['mqtt', 'sharedGroup'], flag: 'shared-group', arg: 'NAME' },
  { path: ['mqtt', 'protocolVersion'], flag: 'mqtt-version', arg: '4|5', number: true },
  { path: ['http', 'host'], flag: 'http-host', arg: 'H' },
  { path: ['http', 'port'], flag: 'http-port', arg: 'N', number: true },
  {
    path: ['http', 'allowedOrigins'],
    flag: 'allowed-origins',
    arg: 'URLS',
    env: 'PORTVAKT_HUB_ALLOWED_ORIGINS',
    list: true,
  },
  { path: ['log', 'level'], flag: 'log-level', arg: 'L' },
  {
    path: ['residentApp', 'brokerWsUrl'],
    flag: 'broker-ws-url',
    arg: 'URL',
    env: 'PORTVAKT_HUB_BROKER_WS_URL',
  },
  { path: ['residentApp', 'webDir'], flag: 'web-dir', arg: 'DIR' },
  { path: ['webAdmin', 'webDir'], flag: 'admin-web-dir', arg: 'DIR' },
  {
    path: ['residentApp', 'trustedProxies'],
    flag: 'trusted-proxies',
    arg: 'LIST',
    env: 'PORTVAKT_HUB_TRUSTED_PROXIES',
    list: true,
  },
  {
    path: ['residentApp', 'brokerAdmission'],
    flag: 'broker-admission',
    arg: 'auth-backend|dynamic-security',
  },
  { path: ['sip', 'edgeDb'], flag: 'sip-edge-db', arg: 'FILE', env: 'PORTVAKT_HUB_SIP_EDGE_DB' },
  { path: ['sip', 'edgeUrl'], flag: 'sip-edge-url', arg: 'URL', env: 'PORTVAKT_HUB_SIP_EDGE_URL' },
  { path: ['sip', 'domain'], flag: 'sip-domain', arg: 'DOMAIN', env: 'PORTVAKT_HUB_SIP_DOMAIN' },
  { path: ['sip', 'caFile'], flag: 'sip-ca', arg: 'FILE', env: 'PORTVAKT_HUB_SIP_CA' },
  {
    path: ['pairing', 'brokerUrl'],
    flag: 'pairing-broker-url',
    arg: 'URL',
    env: 'PORTVAKT_HUB_PAIRING_BROKER_URL',
  },
  { path: ['pairing', 'brokerCaFile'], flag: 'pairing-broker-ca', arg: 'FILE' },
  { path: ['releases', 'keyring'], flag: 'release-keyring', arg: 'PEM', env: 'PORTVAKT_HUB_RELEASE_KEYRING' },
  { path: ['releases', 'publicUrl'], flag: 'bundle-url', arg: 'URL', env: 'PORTVAKT_HUB_BUNDLE_URL' },
  { path: ['releases', 'host'], flag: 'bundle-host', arg: 'H' },
  { path: ['releases', 'port'], flag: 'bundle-port', arg: 'N', number: true },
  { path: ['pairing', 'mqttVersion'], flag: 'pairing-mqtt-version', arg: '4|5', number: true },
  { path: ['turn', 'urls'], flag: 'turn-urls', arg: 'URLS', env: 'PORTVAKT_HUB_TURN_URLS', list: true },
  { path: ['turn', 'ttlS'], flag: 'turn-ttl-s', arg: 'S', number: true },
  { path: ['dataDir'], flag: 'data-dir', arg: 'DIR', env: 'PORTVAKT_HUB_DATA_DIR' },
  { path: ['adminToken'], env: 'PORTVAKT_HUB_ADMIN_TOKEN' },
  { path: ['mqtt', 'password'], env: 'PORTVAKT_HUB_BROKER_PASSWORD' },
  { path: ['residentApp', 'brokerAuthSecret'], env: 'PORTVAKT_HUB_BROKER_AUTH_SECRET' },
  { path: ['turn', 'secret'], env: 'PORTVAKT_HUB_TURN_SECRET' },
  { path: ['metrics', 'token'], env: 'PORTVAKT_HUB_METRICS_TOKEN' },
];

/** The flags of `serve` for node:util's parseArgs (`--data-dir` comes with the common options). */
export const SERVE_FLAGS: Options = Object.fromEntries(
  SOURCES.flatMap((s) => (s.flag && s.flag !== 'data-dir' ? [[s.flag, { type: 'string' as const }]] : [])),
);

/**
 * The hub's settings from parsed flags and the environment. An empty variable counts as unset (`VAR=`
 * in a unit file or shell). Every refused value is reported, naming its flag or variable.
 */
export function serveSettings(
  values: Record<string, unknown>,
  env: Record<string, string | undefined>,
): HubSettings {
  const input: Record<string, unknown> = {};
  const given = new Map<Source, { name: string; text: string }>();
  for (const source of SOURCES) {
    const fromFlag = source.flag === undefined ? undefined : optional(values, source.flag);
    const fromEnv = source.env === undefined ? undefined : env[source.env] || undefined;
    const text = fromFlag ?? fromEnv;
    if (text === undefined) continue;
    given.set(source, { name: fromFlag !== undefined ? `--${source.flag}` : `${source.env}`, text });
    setAt(input, source.path, settingValue(source, text));
  }
  const result = hubSettingsSchema.safeParse(input);
  if (result.success) return result.data;
  const issues = result.error.issues.map((issue) => {
    const source = SOURCES.find((s) => s.path.every((key, i) => issue.path[i] === key));
    if (!source) return `${issue.path.join('.')}: ${issue.message}`;
    const value = given.get(source);
    const name = value?.name ?? source.env ?? `--${source.flag}`;
    const shown = value && !isSecret(source) ? ` (got ${JSON.stringify(value.text)})` : '';
    return `${name}: ${issue.message}${shown}`;
  });
  throw new ValidationError(issues.join('; '), issues);
}

/** The options part of `serve --help`: each flag and variable with the schema's description and default. */
export function serveOptionsHelp(): string {
  const defaults = settingsDefaults();
  const line = (source: Source, name: string) => {
    const schema = schemaAt(source.path);
    const fallback = isSecret(source) ? undefined : valueAt(defaults, source.path);
    const notes = [
      ...(source.flag && source.env ? [`env ${source.env}`] : []),
      ...(fallback === undefined
        ? []
        : [`default ${Array.isArray(fallback) ? fallback.join(',') || 'none' : fallback}`]),
    ];
    const description = schema && z.globalRegistry.get(schema)?.description;
    return wrap(
      `  ${name.padEnd(22)} `,
      [description, notes.length ? `(${notes.join(', ')})` : ''].join(' '),
    );
  };
  return [
    ...SOURCES.flatMap((s) =>
      s.flag ? [line(s, `${s.flag === 'data-dir' ? '-d, ' : ''}--${s.flag} ${s.arg ?? ''}`)] : [],
    ),
    'secrets, from the environment only:',
    ...SOURCES.flatMap((s) => (!s.flag && s.env ? [`  ${s.env}`, line(s, '')] : [])),
  ].join('\n');
}

/** `text` after `head`, broken into lines of at most 110 characters, aligned under its first word. */
function wrap(head: string, text: string): string {
  const lines: string[] = [];
  let current = head;
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (current.length + word.length > 110 && current.length > head.length) {
      lines.push(current.trimEnd());
      current = ' '.repeat(head.length);
    }
    current += `${word} `;
  }
  return [...lines, current.trimEnd()].join('\n');
}

/** Marked in the settings schema (secretSetting): never echoed in an error, no default shown. */
function isSecret(source: Source): boolean {
  return isSecretAt(hubSettingsSchema, source.path);
}

function settingValue(source: Source, text: string): unknown {
  if (source.list)
    return text
      .split(',')
      .map((item) => item.trim())
      .filter(Boolean);
  return source.number && /^-?\d+$/.test(text) ? Number(text) : text;
}

function setAt(target: Record<string, unknown>, path: readonly string[], value: unknown): void {
  const [key, ...rest] = path;
  if (key === undefined) return;
  if (rest.length === 0) {
    target[key] = value;
    return;
  }
  const child = target[key];
  const next: Record<string, unknown> = typeof child === 'object' && child !== null ? { ...child } : {};
  setAt(next, rest, value);
  target[key] = next;
}

function valueAt(value: unknown, path: readonly string[]): unknown {
  let current = value;
  for (const key of path) {
    if (typeof current !== 'object' || current === null) return undefined;
    const record: Record<string, unknown> = { ...current };
    current = record[key];
  }
  return current;
}

/** Every default, from a parse with only the required settings filled in. */
function settingsDefaults(): unknown {
  return hubSettingsSchema.safeParse({ adminToken: 'x'.repeat(16) }).data;
}

/** The schema of one setting, for its description. */
function schemaAt(path: readonly string[]): z.core.$ZodType | undefined {
  let schema: z.core.$ZodType | undefined = hubSettingsSchema;
  for (const key of path) {
    while (
      schema instanceof z.ZodPrefault ||
      schema instanceof z.ZodDefault ||
      schema instanceof z.ZodOptional
    )
      schema = schema.unwrap();
    schema = schema instanceof z.ZodObject ? schema.shape[key] : undefined;
  }
  return schema;
}
