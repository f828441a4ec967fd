/** The signed update.install command: every field bounded; a bad one is refused by name. */
import { describe, expect, it } from 'vitest';
import { commandBodySchema } from '../../../cloud-sync/protocol/messages.ts';
import { UPDATE_BUNDLE_MAX_BYTES } from '../../../cloud-sync/protocol/update-command.ts';

const good = {
  type: 'update.install',
  releaseId: 'rel-2026-12',
  version: '0.2.0+abc123',
  url: 'https://hub.example/api/v1/releases/rel-2026-12/bundle',
  sha256: 'a'.repeat(64),
  sizeBytes: 300_000_000,
};

function body(command: Record<string, unknown>) {
  return { nonce: 'n'.repeat(16), deviceId: 'panel-1', issuedAt: 1000, expiresAt: 31_000, command };
}

function issuePaths(command: Record<string, unknown>): string[] {
  const r = commandBodySchema.safeParse(body(command));
  return r.success ? [] : r.error.issues.map((i) => i.path.join('.'));
}

describe('update.install command', () => {
  it('accepts a good command, allowDowngrade false by default', () => {
    const r = commandBodySchema.parse(body(good));
    expect(r.command).toEqual({ ...good, allowDowngrade: false });
  });

  it.each([
    ['url', { url: 'file:///etc/shadow' }],
    ['url', { url: `https://x/${'a'.repeat(2100)}` }],
    ['url', { url: 'https://hub/with space' }],
    ['sha256', { sha256: 'A'.repeat(64) }],
    ['sha256', { sha256: 'a'.repeat(63) }],
    ['sizeBytes', { sizeBytes: UPDATE_BUNDLE_MAX_BYTES + 1 }],
    ['sizeBytes', { sizeBytes: 0 }],
    ['sizeBytes', { sizeBytes: 1.5 }],
    ['version', { version: 'latest' }],
    ['version', { version: '1.2' }],
    ['releaseId', { releaseId: '../etc' }],
    ['allowDowngrade', { allowDowngrade: 'yes' }],
  ])('refuses a bad %s', (field, change) => {
    expect(issuePaths({ ...good, ...change })).toEqual([`command.${field}`]);
  });

  it('refuses unknown fields and missing ones', () => {
    expect(issuePaths({ ...good, force: true })).toEqual(['command']);
    const { sha256: _sha, ...noSha } = good;
    expect(issuePaths(noSha)).toEqual(['command.sha256']);
  });
});
