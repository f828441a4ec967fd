import { describe, expect, it } from 'vitest';
import { ForbiddenError } from '../../../lib/errors.ts';
import { checkRequestOrigin, type OriginPolicy } from '../../../lib/http/request-origin.ts';

const policy: OriginPolicy = {
  boundHost: 'panel.lan',
  allowedOrigins: ['https://hub.example.com'],
  setting: 'api.allowedOrigins',
  serverToServer: (path) => path.startsWith('/internal/'),
};

function verdict(
  method: string,
  headers: Record<string, string>,
  target = 'http://x/path',
  absolute = false,
) {
  try {
    checkRequestOrigin({ method, headers }, new URL(target), absolute, policy);
    return 'ok';
  } catch (err) {
    expect(err).toBeInstanceOf(ForbiddenError);
    return 'refused';
  }
}

describe('checkRequestOrigin', () => {
  it('accepts IP literals, localhost, the bound name and allowed origins in Host; nothing else', () => {
    for (const host of [
      '127.0.0.1:8080',
      '[::1]:8080',
      '10.1.2.3',
      'LOCALHOST:1',
      'panel.lan',
      'hub.example.com',
    ])
      expect(verdict('GET', { host }), host).toBe('ok');
    for (const host of [
      'attacker.example',
      '127.0.0.1.nip.io',
      'panel.lan.attacker.example',
      'a@127.0.0.1',
      '',
    ])
      expect(verdict('GET', { host }), host).toBe('refused');
    // No Host at all (HTTP/1.0 scripts): nothing to check.
    expect(verdict('GET', {})).toBe('ok');
  });

  it('checks the host of an absolute-form target as well', () => {
    expect(verdict('GET', { host: '127.0.0.1' }, 'http://attacker.example/x', true)).toBe('refused');
    expect(verdict('GET', { host: '127.0.0.1' }, 'http://[::1]:80/x', true)).toBe('ok');
  });

  it('refuses state changes from another origin, accepts same-origin (default ports too) and allowed ones', () => {
    const host = '127.0.0.1:8080';
    expect(verdict('POST', { host, origin: 'http://127.0.0.1:8080' })).toBe('ok');
    expect(verdict('POST', { host: '127.0.0.1', origin: 'http://127.0.0.1:80' })).toBe('ok');
    expect(verdict('DELETE', { host, origin: 'https://hub.example.com' })).toBe('ok');
    expect(verdict('POST', { host, origin: 'http://127.0.0.1:9999' })).toBe('refused');
    expect(verdict('PUT', { host, origin: 'null' })).toBe('refused');
    expect(verdict('POST', { host, origin: 'not a url' })).toBe('refused');
    expect(verdict('POST', { host, 'sec-fetch-site': 'same-site' })).toBe('refused');
    expect(verdict('POST', { host, 'sec-fetch-site': 'same-origin' })).toBe('ok');
    expect(verdict('POST', { host, 'sec-fetch-site': 'none' })).toBe('ok');
    // Reads are not state changes: the browser keeps a cross-origin answer from the page.
    expect(verdict('GET', { host, origin: 'https://attacker.example' })).toBe('ok');
  });

  it('leaves server-to-server paths to their own secret', () => {
    expect(
      verdict('POST', { host: 'hub.internal', origin: 'https://x.example' }, 'http://x/internal/auth'),
    ).toBe('ok');
  });
});
