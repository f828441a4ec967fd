import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../lib/clock/fake-clock.ts';

describe('FakeClock', () => {
  it('fires timers in due order, including timers scheduled by timers', () => {
    const clock = new FakeClock(0);
    const fired: string[] = [];
    clock.setTimeout(() => fired.push('b@20'), 20);
    clock.setTimeout(() => {
      fired.push('a@10');
      clock.setTimeout(() => fired.push('c@15'), 5);
    }, 10);
    clock.advance(19);
    expect(fired).toEqual(['a@10', 'c@15']);
    clock.advance(1);
    expect(fired).toEqual(['a@10', 'c@15', 'b@20']);
    expect(clock.now()).toBe(20);
  });

  it('does not fire cleared timers', () => {
    const clock = new FakeClock(0);
    let fired = false;
    const h = clock.setTimeout(() => {
      fired = true;
    }, 5);
    clock.clearTimeout(h);
    clock.advance(10);
    expect(fired).toBe(false);
  });
});
