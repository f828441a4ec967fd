import { describe, expect, it } from 'vitest';
import { boundAuditData, boundText } from '../../../device/audit/bounds.ts';
import { AUDIT_PICTURE_MAX_CHARS, AUDIT_TEXT_MAX_CHARS } from '../../../device/audit/payloads.ts';

const PICTURE = `data:image/jpeg;base64,${'A'.repeat(AUDIT_PICTURE_MAX_CHARS - 23)}`;

describe('audit payload bounds', () => {
  it('cuts a long string to the bound, marked with how much was left out', () => {
    const reason = `invalid message: ${'x'.repeat(64 * 1024)}`;
    const cut = boundText(reason);
    expect(cut.length).toBeLessThanOrEqual(AUDIT_TEXT_MAX_CHARS);
    expect(cut.startsWith('invalid message: xxx')).toBe(true);
    const left = Number(/…\[\+(\d+) chars\]$/.exec(cut)?.[1]);
    expect(cut.length - `…[+${left} chars]`.length + left).toBe(reason.length);
  });

  it('never splits a surrogate pair', () => {
    const cut = boundText('😀'.repeat(500));
    expect(cut.length).toBeLessThanOrEqual(AUDIT_TEXT_MAX_CHARS);
    expect(() => encodeURIComponent(cut)).not.toThrow();
  });

  it('bounds strings at any depth, keys too, and hands back the same object when nothing is long', () => {
    const ok = { reason: 'short', n: 1, list: ['a'], nested: { deep: 'b' } };
    expect(boundAuditData('call.refused', ok)).toBe(ok);
    const long = 'y'.repeat(1000);
    const bounded = boundAuditData('call.refused', {
      reason: long,
      list: ['a', long],
      nested: { deep: long, [long]: 1 },
    });
    const strings = JSON.stringify(bounded).match(/"[^"]*"/g) ?? [];
    for (const s of strings) expect(s.length - 2).toBeLessThanOrEqual(AUDIT_TEXT_MAX_CHARS);
    expect(bounded['list']).toEqual(['a', boundText(long)]);
  });

  it('keeps a picture up to the picture bound and replaces a larger one by a marker', () => {
    expect(boundAuditData('call.snapshot', { callId: 'c', snapshot: PICTURE })['snapshot']).toBe(PICTURE);
    const over = `${PICTURE}AAAA`;
    const marker = boundAuditData('call.snapshot', { callId: 'c', snapshot: over })['snapshot'];
    expect(marker).toBe(`[picture of ${over.length} chars dropped: over ${AUDIT_PICTURE_MAX_CHARS}]`);
    // Only the declared picture field may be long.
    expect(
      String(boundAuditData('call.refused', { snapshot: PICTURE })['snapshot']).length,
    ).toBeLessThanOrEqual(AUDIT_TEXT_MAX_CHARS);
  });
});
