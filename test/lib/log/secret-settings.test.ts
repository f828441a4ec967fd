/**
 * Secrets in settings: a config error names the key of a password or token that is wrong, never its
 * value, on the panel (config file) and the hub (environment); and every setting marked secret is a key
 * the logger censors, so the schemas and REDACTED_KEYS cannot drift apart.
 */
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { serveSettings } from '../../../cloud-sync/hub/cli/serve-settings.ts';
import { hubSettingsSchema, parseHubSettings } from '../../../cloud-sync/hub/settings.ts';
import { configFileExposure, parseConfigText, validateConfig } from '../../../device/config/load.ts';
import { configSchema } from '../../../device/config/schema.ts';
import { ConfigError, ValidationError } from '../../../lib/errors.ts';
import { REDACTED_KEYS } from '../../../lib/log/logger.ts';
import { isSecretAt, secretKeyNames } from '../../../lib/log/secret-settings.ts';
import { tempDir } from '../../support/temp-dir.ts';

const base = {
  panel: { id: 'p1' },
  doors: [{ id: 'd1', name: 'Door', relay: { line: 17 } }],
};
const sync = {
  brokerUrl: 'mqtts://broker.example:8883',
  hubPublicKey: 'A'.repeat(43),
};

function messageOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toSatisfy((e) => e instanceof ConfigError || e instanceof ValidationError);
    return (err as Error).message;
  }
  throw new Error('expected a refusal');
}

describe('secret settings', () => {
  it('panel config errors name a secret key but never show its value', () => {
    const cases: [Record<string, unknown>, string, string][] = [
      [{ sync: { ...sync, password: 'hunter2-short' } }, 'sync.password', 'hunter2-short'],
      [{ sync: { ...sync, password: 98765432109876 } }, 'sync.password', '98765432109876'],
      [{ api: { installerToken: 'tok-abcdefgh' } }, 'api.installerToken', 'tok-abcdefgh'],
      [{ api: { readToken: 'read-abcdefgh' } }, 'api.readToken', 'read-abcdefgh'],
      [{ log: { uidHashKey: 'hash-key-xyz' } }, 'log.uidHashKey', 'hash-key-xyz'],
    ];
    for (const [extra, key, secret] of cases) {
      const message = messageOf(() => validateConfig({ ...base, ...extra }));
      expect(message, key).toContain(key);
      expect(message, key).not.toContain(secret);
    }
    // Nor in YAML errors: a password that begins with "*" is an alias to YAML, and error messages quote
    // the text around a syntax error.
    for (const text of [
      'sync:\n  password: *s3cret-value-abcdefgh\n',
      'sync:\n  password: !s3cret-value-abcdefgh\n',
      'sync: {password: s3cret-value}}\n',
    ]) {
      const message = messageOf(() => parseConfigText(text));
      expect(message).not.toContain('s3cret');
    }
    // Other values are still shown, so an installer can see what was wrong.
    expect(messageOf(() => validateConfig({ ...base, api: { port: 99999 } }))).toContain('(got 99999)');
  });

  it('hub settings errors name the variable of a secret but never show its value', () => {
    const message = messageOf(() =>
      serveSettings(
        {},
        {
          PORTVAKT_HUB_ADMIN_TOKEN: 'admin-short',
          PORTVAKT_HUB_BROKER_AUTH_SECRET: 'auth-short',
          PORTVAKT_HUB_BROKER_URL: 'ftp://nowhere',
        },
      ),
    );
    expect(message).toContain('PORTVAKT_HUB_ADMIN_TOKEN');
    expect(message).toContain('PORTVAKT_HUB_BROKER_AUTH_SECRET');
    expect(message).not.toContain('admin-short');
    expect(message).not.toContain('auth-short');
    expect(message).toContain('ftp://nowhere');
    const inCode = messageOf(() => parseHubSettings({ adminToken: 'admin-in-code' }));
    expect(inCode).toContain('adminToken');
    expect(inCode).not.toContain('admin-in-code');
  });

  it('marks the secrets of both schemas, and the logger censors every one of them', () => {
    const panel = secretKeyNames(configSchema);
    const hub = secretKeyNames(hubSettingsSchema);
    expect(panel).toEqual(
      expect.arrayContaining(['password', 'installerToken', 'readToken', 'uidHashKey', 'credential']),
    );
    expect(hub).toEqual(expect.arrayContaining(['adminToken', 'password', 'brokerAuthSecret']));
    for (const name of [...panel, ...hub]) expect(REDACTED_KEYS as readonly string[]).toContain(name);
    expect(isSecretAt(configSchema, ['intercom', 'iceServers', 0, 'credential'])).toBe(true);
    expect(isSecretAt(configSchema, ['api', 'port'])).toBe(false);
    expect(isSecretAt(hubSettingsSchema, ['mqtt', 'url'])).toBe(false);
  });
});

describe('config file exposure', () => {
  it('warns when the panel config is readable by other users, not when it is 0600', () => {
    const path = join(tempDir(), 'panel.yaml');
    writeFileSync(path, 'panel: { id: p1 }\n');
    chmodSync(path, 0o644);
    expect(configFileExposure(path)).toMatch(/readable by other users \(mode 644\); chmod 600/);
    chmodSync(path, 0o600);
    expect(configFileExposure(path)).toBeUndefined();
  });
});
