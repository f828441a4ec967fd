import { describe, expect, it } from 'vitest';
import { DebouncedInput, Debouncer } from '../../../hal/gpio/debounce.ts';
import type { InputChange } from '../../../hal/gpio/types.ts';
import { FakeClock } from '../../../lib/clock/fake-clock.ts';
import type { Logger } from '../../../lib/log/logger.ts';
import { silentLogger } from '../../../lib/log/logger.ts';

function make(debounceMs: number, initial = false) {
  const clock = new FakeClock(0);
  const changes: InputChange[] = [];
  const debouncer = new Debouncer({ clock, debounceMs, initial, onChange: (c) => changes.push(c) });
  return { clock, changes, debouncer };
}

describe('Debouncer', () => {
  it('reports a change at once when debounceMs is 0', () => {
    const { clock, changes, debouncer } = make(0);
    clock.advance(7);
    debouncer.sample(true);
    expect(changes).toEqual([{ active: true, at: 7 }]);
    expect(debouncer.level).toBe(true);
  });

  it('reports a level only after it held for debounceMs, timed at its last transition', () => {
    const { clock, changes, debouncer } = make(30);
    clock.advance(100);
    debouncer.sample(true);
    clock.advance(5);
    debouncer.sample(false);
    clock.advance(5);
    debouncer.sample(true);
    clock.advance(29);
    expect(changes).toEqual([]);
    clock.advance(1);
    expect(changes).toEqual([{ active: true, at: 110 }]);
  });

  it('does not restart the window for repeated samples of the same level (polling)', () => {
    const { clock, changes, debouncer } = make(30);
    debouncer.sample(true);
    for (let i = 0; i < 3; i++) {
      clock.advance(10);
      debouncer.sample(true);
    }
    expect(changes).toEqual([{ active: true, at: 0 }]);
  });

  it('reports nothing when the level returns to the stable one in time', () => {
    const { clock, changes, debouncer } = make(30);
    debouncer.sample(true);
    clock.advance(29);
    debouncer.sample(false);
    clock.advance(100);
    expect(changes).toEqual([]);
    expect(debouncer.level).toBe(false);
  });

  it('starts at the initial level and stops after dispose', () => {
    const { clock, changes, debouncer } = make(30, true);
    expect(debouncer.level).toBe(true);
    debouncer.sample(false);
    debouncer.dispose();
    clock.advance(100);
    expect(changes).toEqual([]);
    expect(clock.pendingTimers()).toBe(0);
  });
});

describe('DebouncedInput', () => {
  it('isolates listeners, logs the one that throws and closes once', () => {
    const clock = new FakeClock(0);
    const errors: unknown[] = [];
    const logger: Logger = { ...silentLogger, error: (obj) => errors.push(obj) };
    let closes = 0;
    const input = new DebouncedInput('rex', {
      clock,
      logger,
      debounceMs: 0,
      initialActive: false,
      onClose: () => closes++,
    });
    const seen: boolean[] = [];
    input.onChange(() => {
      throw new Error('boom');
    });
    input.onChange((c) => seen.push(c.active));
    input.sample(true);
    expect(seen).toEqual([true]);
    expect(errors).toHaveLength(1);
    input.close();
    input.close();
    input.sample(false);
    expect(closes).toBe(1);
    expect(seen).toEqual([true]);
  });
});
