import { describe, expect, it } from 'vitest';
import { validateConfig } from '../../../device/config/load.ts';
import { panelConfig } from '../../support/configs.ts';

// The metrics section: off when absent, loopback by default, never on the network without a token.
describe('metrics config', () => {
  const base = panelConfig({ storePath: '/tmp/unused/panel.db' });
  const withMetrics = (metrics: unknown) => () => validateConfig({ ...base, metrics }, 'test config');

  it('is off when absent and loopback on 9464 by default', () => {
    expect(validateConfig(base, 'test config').metrics).toBeUndefined();
    expect(withMetrics({})().metrics).toEqual({ host: '127.0.0.1', port: 9464 });
  });

  it('refuses a non-loopback address without a token, naming the field but not echoing secrets', () => {
    expect(withMetrics({ host: '0.0.0.0' })).toThrow(
      /metrics\.token.*required when metrics\.host \(0\.0\.0\.0\)/,
    );
    expect(withMetrics({ host: '0.0.0.0', token: 'scrape-token-0123456789' })().metrics?.host).toBe(
      '0.0.0.0',
    );
    expect(withMetrics({ host: '::1' })().metrics?.host).toBe('::1');
  });

  it('refuses a short token without showing it, and unknown keys', () => {
    let message = '';
    try {
      withMetrics({ token: 'short-secret' })();
    } catch (err) {
      message = String(err);
    }
    expect(message).toMatch(/metrics\.token/);
    expect(message).not.toContain('short-secret');
    expect(withMetrics({ port: 70000 })).toThrow(/metrics\.port/);
    expect(withMetrics({ path: '/x' })).toThrow(/metrics/);
  });
});
