import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createRootLogger, moduleLogger, REDACTED_KEYS } from '../../../lib/log/logger.ts';

/** A root logger writing into memory, and the lines it wrote so far. */
function capture() {
  const stream = new PassThrough();
  const chunks: string[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c.toString('utf8')));
  const logger = createRootLogger({ level: 'debug', destination: stream });
  return { logger, text: () => chunks.join('') };
}

describe('the one logger of panel and hub', () => {
  it('censors every secret and card UID key at the top level and one or two levels deep', async () => {
    const { logger, text } = capture();
    const log = moduleLogger(logger, 'test');
    REDACTED_KEYS.forEach((key, i) => {
      const secret = `secret-value-${i}-of-${key}`;
      log.info({ [key]: secret }, 'top');
      log.info({ cfg: { [key]: `${secret}-deep` } }, 'one level');
      log.info({ cfg: { sync: { [key]: `${secret}-deeper` } } }, 'two levels');
    });
    await new Promise((r) => setImmediate(r));
    const written = text();
    expect(written.split('\n').filter(Boolean)).toHaveLength(REDACTED_KEYS.length * 3);
    expect(written).not.toMatch(/secret-value-/);
    expect(written.match(/\[redacted\]/g)).toHaveLength(REDACTED_KEYS.length * 3);
  });

  it('keeps what is not a secret, with the module name', async () => {
    const { logger, text } = capture();
    moduleLogger(logger, 'access').info({ uidHash: 'b5ba6fb8', readerId: 'entrance' }, 'card decided');
    await new Promise((r) => setImmediate(r));
    const line = JSON.parse(text().trim()) as Record<string, unknown>;
    expect(line).toMatchObject({
      module: 'access',
      uidHash: 'b5ba6fb8',
      readerId: 'entrance',
      msg: 'card decided',
    });
  });

  it('covers the panel and the hub keys in one list', () => {
    for (const key of ['uid', 'installerToken', 'uidHashKey', 'adminToken', 'brokerPassword', 'privateKey'])
      expect(REDACTED_KEYS).toContain(key);
  });
});
