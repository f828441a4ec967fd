/**
 * The installer PIN at provisioning: random and printed once, or read from a file or standard input
 * (never from the command line); panel.yaml gets only its scrypt hash, which the panel's config accepts.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { CliIo } from '../../../cloud-sync/hub/cli/common.ts';
import { runHubCli } from '../../../cloud-sync/hub/cli.ts';
import { configSchema } from '../../../device/config/schema.ts';
import { verifyPin } from '../../../lib/crypto/pin-hash.ts';
import { tempDir } from '../../support/temp-dir.ts';

async function hub(dataDir: string, argv: string[], stdin?: string) {
  let out = '';
  let err = '';
  const io: CliIo = {
    out: (t) => (out += t),
    err: (t) => (err += t),
    env: { PORTVAKT_HUB_DATA_DIR: dataDir },
    ...(stdin === undefined ? {} : { stdin: async () => stdin }),
  };
  const code = await runHubCli(argv, io);
  return { code, out, err };
}

const provisionArgs = (panelId: string, out: string, ...more: string[]) => [
  'provision',
  '--panel-id',
  panelId,
  '--building',
  'b1',
  '--broker-url',
  'mqtts://broker.example:8883',
  '--out',
  out,
  ...more,
];

describe('installer PIN at provisioning', () => {
  it('generates 8 digits, prints them once and writes only the hash to panel.yaml', async () => {
    const data = tempDir();
    await hub(data, ['building', 'add', '--id', 'b1', '--name', 'B', '--time-zone', 'UTC']);
    const out = join(tempDir(), 'kit');
    const res = await hub(data, provisionArgs('p1', out));
    expect(res.code).toBe(0);
    const pin = JSON.parse(res.out).installerPin as string;
    expect(pin).toMatch(/^[0-9]{8}$/);
    const yamlText = readFileSync(join(out, 'panel.yaml'), 'utf8');
    expect(yamlText).not.toContain(pin);
    const config = parse(yamlText);
    expect(config.api.installerPinHash).toMatch(/^scrypt\$16384\$8\$1\$/);
    expect(await verifyPin(pin, config.api.installerPinHash)).toBe(true);
    expect(await verifyPin(pin === '00000000' ? '11111111' : '00000000', config.api.installerPinHash)).toBe(
      false,
    );
    expect(configSchema.safeParse(config).error?.issues).toBeUndefined();
  });

  it('takes the PIN from --installer-pin-file or standard input, and refuses a bad one before changing anything', async () => {
    const data = tempDir();
    await hub(data, ['building', 'add', '--id', 'b1', '--name', 'B', '--time-zone', 'UTC']);
    const pinFile = join(tempDir(), 'pin.txt');
    writeFileSync(pinFile, '24681357\n');
    const out = join(tempDir(), 'kit');
    const fromFile = await hub(data, provisionArgs('p1', out, '--installer-pin-file', pinFile));
    expect(fromFile.code).toBe(0);
    expect(fromFile.out).not.toContain('24681357');
    const hash = parse(readFileSync(join(out, 'panel.yaml'), 'utf8')).api.installerPinHash;
    expect(await verifyPin('24681357', hash)).toBe(true);

    const out2 = join(tempDir(), 'kit');
    const fromStdin = await hub(data, provisionArgs('p2', out2, '--installer-pin-file', '-'), '975310\n');
    expect(fromStdin.code).toBe(0);
    const hash2 = parse(readFileSync(join(out2, 'panel.yaml'), 'utf8')).api.installerPinHash;
    expect(await verifyPin('975310', hash2)).toBe(true);

    // Too short, and letters: refused (exit 2), the PIN not echoed, no panel created.
    writeFileSync(pinFile, '12ab\n');
    const bad = await hub(data, provisionArgs('p3', join(tempDir(), 'kit'), '--installer-pin-file', pinFile));
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('6-12 digits');
    expect(bad.err).not.toContain('12ab');
    const retry = await hub(data, provisionArgs('p3', join(tempDir(), 'kit')));
    expect(retry.code).toBe(0);
  });
});
