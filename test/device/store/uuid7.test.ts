import { describe, expect, it } from 'vitest';
import { createUuidV7 } from '../../../device/store/uuid7.ts';

const timestampOf = (id: string): number => Number.parseInt(id.replaceAll('-', '').slice(0, 12), 16);

describe('createUuidV7', () => {
  it('encodes the millisecond timestamp, version 7 and the RFC variant', () => {
    const t = Date.UTC(2026, 4, 17, 8, 30);
    const id = createUuidV7(() => t)();
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(timestampOf(id)).toBe(t);
  });

  it('stays strictly increasing within a millisecond and when the clock steps back', () => {
    let now = 1_000_000;
    const next = createUuidV7(() => now);
    const ids: string[] = [];
    for (let i = 0; i < 10_000; i++) ids.push(next());
    now -= 60_000;
    for (let i = 0; i < 10; i++) ids.push(next());
    for (let i = 1; i < ids.length; i++) expect(ids[i]! > ids[i - 1]!).toBe(true);
    // 10,000 ids overflow the 12-bit counter, so later ones borrow following milliseconds.
    expect(timestampOf(ids.at(-1)!)).toBeGreaterThan(1_000_000);
  });
});
