/**
 * The simulator's phone-fallback setup without Kamailio: `npm start` still runs and its banner says the
 * phone fallback is off and why; the demo phone refuses a data dir without a running simulator's edge.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ValidationError } from '../../lib/errors.ts';
import {
  DEMO_PHONE_FILE,
  phoneBannerLines,
  readDemoPhoneAccount,
  startSimSip,
} from '../../scripts/sim/sip.ts';

describe('the simulator without Kamailio', () => {
  const dirs: string[] = [];
  const dir = () => {
    const d = mkdtempSync(join(tmpdir(), 'portvakt-sim-sip-'));
    dirs.push(d);
    return d;
  };
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it('runs without the phone fallback and the banner says why', async () => {
    const sip = await startSimSip(dir(), 'Storgatan 12', '/nonexistent/kamailio');
    expect(sip).toEqual({
      on: false,
      reason: expect.stringContaining('/nonexistent/kamailio is not installed'),
    });
    expect(phoneBannerLines(sip, 'http://127.0.0.1:8080').join('\n')).toMatch(
      /^ {2}Phone fallback: off — \/nonexistent\/kamailio is not installed/,
    );
  });

  it('the demo phone names what is missing: no simulator there, or a damaged account file', () => {
    const empty = dir();
    expect(() => readDemoPhoneAccount(empty)).toThrow(ValidationError);
    expect(() => readDemoPhoneAccount(empty)).toThrow(/is `npm start` running there/);
    const damaged = dir();
    const file = join(damaged, DEMO_PHONE_FILE);
    mkdirSync(join(damaged, 'sip'));
    writeFileSync(file, JSON.stringify({ number: '0701234506', password: 'x' }));
    expect(() => readDemoPhoneAccount(damaged)).toThrow(`${file}: number:`);
    writeFileSync(file, '{"number":');
    expect(() => readDemoPhoneAccount(damaged)).toThrow(`${file}: not JSON`);
  });
});
