import { describe, expect, it } from 'vitest';
import { parseConfigText } from '../../../device/config/load.ts';
import { osdpBusesFromConfig } from '../../../device/config/osdp-schema.ts';
import { ConfigError } from '../../../lib/errors.ts';

const KEY = '00112233445566778899aabbccddeeff';
const base = (osdp: string, reader = 'osdp') => `
panel: { id: p1 }
hardware: { reader: ${reader} }
doors:
  - id: d1
    name: Door
    relay: { line: 17 }
readers:
  - { id: r1, name: front, doors: [d1] }
  - { id: r2, name: back, doors: [d1] }
${osdp}`;

function issuesOf(text: string): string[] {
  try {
    parseConfigText(text);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return [...(err as ConfigError).issues];
  }
  throw new Error('expected a ConfigError');
}

describe('panel config: osdp section', () => {
  it('parses buses and readers, with defaults, into the driver options', () => {
    const cfg = parseConfigText(
      base(`osdp:
  buses:
    - path: /dev/ttyUSB0
      readers:
        - { name: front, address: 0, scbk: "${KEY}" }
        - { name: back, address: 1 }
`),
    );
    expect(cfg.osdp?.buses[0]).toMatchObject({ baud: 9600 });
    const [bus] = osdpBusesFromConfig(cfg.osdp);
    expect(bus).toMatchObject({ path: '/dev/ttyUSB0', baudRate: 9600 });
    expect(bus!.readers[0]).toEqual({
      name: 'front',
      address: 0,
      scbk: Buffer.from(KEY, 'hex'),
      installMode: false,
    });
    expect(bus!.readers[1]!.scbk).toBeUndefined();
  });

  it('refuses what cannot work, naming it, without echoing a key', () => {
    expect(issuesOf(base(''))).toEqual([
      expect.stringMatching(/osdp: is required when hardware.reader is "osdp"/),
    ]);
    const fields = issuesOf(
      base(`osdp:
  buses:
    - path: /dev/ttyUSB0
      baud: 4800
      readers:
        - { name: front, address: 0, scbk: "not-a-key-0011223344" }
        - { name: back, address: 127 }
`),
    ).join('\n');
    expect(fields).toMatch(/buses\[0\]\.baud/);
    expect(fields).toMatch(/readers\[0\]\.scbk: must be 32 hex digits/);
    expect(fields).not.toContain('not-a-key');
    expect(fields).toMatch(/readers\[1\]\.address/);
    const cross = issuesOf(
      base(`osdp:
  buses:
    - path: /dev/ttyUSB0
      readers:
        - { name: side, address: 0 }
        - { name: front, address: 0, installMode: true }
`),
    ).join('\n');
    expect(cross).toMatch(/no reader named "side"/);
    expect(cross).toMatch(/address 0 is used twice/);
    expect(cross).toMatch(/installMode: needs scbk/);
  });
});
