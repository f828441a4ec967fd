/** The `homeAssistant` section: off unless present, safe defaults, clear errors that never show the password. */
import { describe, expect, it } from 'vitest';
import { parseConfigText } from '../../../device/config/load.ts';
import { withoutConfigSecrets } from '../../../device/installer/config-secrets.ts';
import { ConfigError } from '../../../lib/errors.ts';

const minimal = `
panel: { id: p1 }
doors:
  - id: d1
    name: Door
    relay: { line: 17 }
`;

function issuesOf(text: string): string[] {
  try {
    parseConfigText(text);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return [...(err as ConfigError).issues];
  }
  throw new Error('expected a ConfigError');
}

describe('homeAssistant config', () => {
  it('is off when absent, and opening stays off unless asked for', () => {
    expect(parseConfigText(minimal).homeAssistant).toBeUndefined();
    const cfg = parseConfigText(`${minimal}homeAssistant: { brokerUrl: 'mqtts://ha.local' }\n`);
    expect(cfg.homeAssistant).toEqual({
      brokerUrl: 'mqtts://ha.local',
      discoveryPrefix: 'homeassistant',
      topicPrefix: 'portvakt',
      allowOpen: false,
      commandsPerMinute: 6,
      commandBurst: 3,
      imageMinIntervalS: 10,
    });
  });

  it.each([
    ['not an MQTT URL', `brokerUrl: 'http://ha.local'`, /homeAssistant\.brokerUrl: must be mqtts/],
    [
      'password without a username',
      `brokerUrl: 'mqtts://ha.local', password: 'a-long-enough-secret-1'`,
      /homeAssistant\.password: a password needs a username/,
    ],
    [
      'a CA without TLS',
      `brokerUrl: 'mqtt://ha.local', ca: /etc/ca.pem`,
      /homeAssistant\.brokerUrl: ca needs an mqtts:\/\/ broker/,
    ],
    [
      'a wildcard in a prefix',
      `brokerUrl: 'mqtts://ha.local', discoveryPrefix: 'home/#'`,
      /homeAssistant\.discoveryPrefix: must be topic levels/,
    ],
    ['an unknown key', `brokerUrl: 'mqtts://ha.local', allowUnlock: true`, /homeAssistant.*allowUnlock/],
  ])('refuses %s', (_name, section, expected) => {
    expect(issuesOf(`${minimal}homeAssistant: { ${section} }\n`).join('\n')).toMatch(expected);
  });

  it('names a bad password without showing it', () => {
    const issues = issuesOf(
      `${minimal}homeAssistant: { brokerUrl: 'mqtts://ha.local', username: u, password: hunter2 }\n`,
    );
    expect(issues.join('\n')).toMatch(/homeAssistant\.password: must be at least 16/);
    expect(issues.join('\n')).not.toContain('hunter2');
  });

  it('is taken out of the config by a factory reset (the owner’s broker login)', () => {
    const text = `${minimal}homeAssistant: { brokerUrl: 'mqtts://ha.local', username: u, password: 'a-long-enough-secret-1' }\n`;
    const reset = withoutConfigSecrets(text);
    expect(reset).not.toContain('homeAssistant');
    expect(reset).not.toContain('a-long-enough-secret-1');
    expect(parseConfigText(reset).homeAssistant).toBeUndefined();
  });
});
