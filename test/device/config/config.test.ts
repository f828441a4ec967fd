import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { loadConfigFile, parseConfigText } from '../../../device/config/load.ts';
import { configSchema } from '../../../device/config/schema.ts';
import { ConfigError } from '../../../lib/errors.ts';
import { runCli, writeConfig } from '../../support/panel-process.ts';
import { tempDir } from '../../support/temp-dir.ts';

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

describe('device config', () => {
  it('fills defaults from the schema', () => {
    const cfg = parseConfigText(minimal);
    expect(cfg.doors[0]).toMatchObject({ pulseMs: 5000, failMode: 'secure', heldOpenAfterS: 30 });
    expect(cfg.doors[0]?.relay).toEqual({ chip: 'gpiochip0', line: 17, activeLow: false });
    expect(cfg.hardware).toEqual({ gpio: 'sim', reader: 'sim' });
    expect(cfg.api).toMatchObject({ host: '127.0.0.1', port: 8080 });
    expect(cfg.api.installerToken).toBeUndefined();
  });

  it('accepts the commented example', () => {
    const cfg = loadConfigFile(new URL('../../../device/config/example.yaml', import.meta.url).pathname);
    expect(cfg.hardware).toEqual({ gpio: 'onoff', reader: 'pcsc' });
  });

  it.each([
    [
      'pulse too long',
      minimal.replace('relay: { line: 17 }', 'relay: { line: 17 }\n    pulseMs: 60000'),
      /doors\[0\]\.pulseMs: .*30000.*\(got 60000\)/,
    ],
    [
      'pulse too short',
      minimal.replace('relay: { line: 17 }', 'relay: { line: 17 }\n    pulseMs: 10'),
      /doors\[0\]\.pulseMs.*\(got 10\)/,
    ],
    [
      'unknown key',
      minimal.replace('name: Door', 'name: Door\n    colour: red'),
      /doors\[0\]: unknown key\(s\) "colour"/,
    ],
    [
      'bad fail mode',
      minimal.replace('name: Door', 'name: Door\n    failMode: maybe'),
      /doors\[0\]\.failMode.*\(got "maybe"\)/,
    ],
    [
      'bad driver',
      `${minimal}hardware: { gpio: wiringpi }\n`,
      /hardware\.gpio.*sim.*onoff.*gpiod.*\(got "wiringpi"\)/,
    ],
    [
      'bad time zone',
      minimal.replace('id: p1', 'id: p1, timeZone: Mars/Olympus'),
      /panel\.timeZone.*IANA.*\(got "Mars\/Olympus"\)/,
    ],
    [
      'reader of unknown door',
      `${minimal}readers: [{ id: r1, name: X, doors: [nope] }]\n`,
      /readers\[0\]\.doors\[0\]: unknown door "nope"/,
    ],
    [
      'short installer token',
      `${minimal}api: { installerToken: secret }\n`,
      /api\.installerToken: must be at least 16/,
    ],
    [
      'line used twice',
      minimal.replace('relay: { line: 17 }', 'relay: { line: 17 }\n    tamper: { line: 17 }'),
      /doors\[0\]\.tamper\.line: GPIO gpiochip0:17 is already used/,
    ],
    [
      'unknown camera driver',
      `${minimal}intercom: { media: { camera: { driver: webcam } } }\n`,
      /intercom\.media\.camera\.driver.*sim.*v4l2.*libcamera.*\(got "webcam"\)/,
    ],
    [
      'hardware encoder with VP8',
      `${minimal}intercom: { media: { camera: { codec: vp8, encoder: v4l2 } } }\n`,
      /intercom\.media\.camera\.encoder: the v4l2 hardware encoder does H\.264 only/,
    ],
    [
      'ICE server that is not STUN or TURN',
      `${minimal}intercom: { iceServers: [{ urls: "http://stun.example" }] }\n`,
      /intercom\.iceServers\[0\]\.urls: must be a stun:, turn: or turns: URL/,
    ],
    [
      'camera device with shell characters',
      `${minimal}intercom: { media: { camera: { driver: v4l2, device: "/dev/video0; reboot" } } }\n`,
      /intercom\.media\.camera\.device: must be 1-128 chars/,
    ],
    ['no doors', 'panel: { id: p1 }\n', /doors: /],
    ['not a mapping', '- just\n- a list\n', /\(top level\)/],
  ])('rejects %s with an error naming the key', (_name, text, pattern) => {
    expect(issuesOf(text).join('\n')).toMatch(pattern);
  });

  it('rejects invalid YAML with the parser message', () => {
    expect(() => parseConfigText('panel: { id: p1\n')).toThrow(/not valid YAML/);
    expect(() => parseConfigText('a: 1\na: 2\n')).toThrow(/not valid YAML/);
  });

  it('generated JSON Schema matches the zod schema', () => {
    const file = JSON.parse(
      readFileSync(new URL('../../../device/config/portvakt.schema.json', import.meta.url), 'utf8'),
    );
    const generated = z.toJSONSchema(configSchema, { io: 'input', unrepresentable: 'any' });
    expect(file.properties).toEqual(generated.properties);
  });

  it('the CLI exits non-zero, names the bad key and does not start', async () => {
    const dir = tempDir();
    const path = writeConfig(
      dir,
      minimal.replace('relay: { line: 17 }', 'relay: { line: 17 }\n    pulseMs: 99999'),
    );
    const res = await runCli(['--config', path]);
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/doors\[0\]\.pulseMs/);
    expect(res.stdout).not.toMatch(/panel ready/);
    const missing = await runCli(['--config', `${dir}/absent.yaml`]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/cannot read config file/);
    const badFlag = await runCli(['--frobnicate']);
    expect(badFlag.code).toBe(2);
    const help = await runCli(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/--config FILE/);
  });
});
