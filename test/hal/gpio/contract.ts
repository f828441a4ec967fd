import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { GpioDriver, InputChange } from '../../../hal/gpio/types.ts';
import type { FakeClock } from '../../../lib/clock/fake-clock.ts';
import { HardwareError } from '../../../lib/errors.ts';
import { holdsWithin } from '../../../scripts/lab/until.ts';

/** What the shared contract needs to see a driver from the outside. */
export interface GpioHarness {
  driver: GpioDriver;
  /** The clock the driver was given; the contract moves time with it. */
  clock: FakeClock;
  /** Chip reference to open lines on; offsets 0-31 must be usable. */
  chip: string;
  /** The physical level the line is driven at, as seen at the driver's boundary. */
  relayPhysical(line: number): boolean | Promise<boolean>;
  /** Sets the physical level of an input line before it is opened. */
  presetInput(line: number, high: boolean): void;
  /**
   * Changes the physical level of an open input and resolves once the driver has taken the sample. May
   * advance the clock by the driver's sampling period (then the sample is taken at the new time).
   */
  setInput(line: number, high: boolean): Promise<void>;
  dispose(): Promise<void>;
}

const RELAY = 2;
const RELAY_B = 3;
const INPUT = 17;
const INPUT_B = 27;

/** Waits (real time, bounded) until the boundary shows the level: hardware drivers apply it asynchronously. */
export async function expectPhysical(h: GpioHarness, line: number, high: boolean): Promise<void> {
  await holdsWithin(async () => (await h.relayPhysical(line)) === high, 5000);
  expect(await h.relayPhysical(line), `line ${line} physical level`).toBe(high);
}

export function runGpioContract(name: string, makeHarness: () => Promise<GpioHarness>): void {
  describe(`GPIO driver contract: ${name}`, () => {
    let h: GpioHarness;
    beforeEach(async () => {
      h = await makeHarness();
    });
    afterEach(async () => {
      await h.dispose();
    });

    /** INPUT, idle low, opened active-high with a 30 ms debounce; with every change it reports, in order. */
    const openRecordedInput = (name: string) => {
      h.presetInput(INPUT, false);
      const input = h.driver.openInput(name, { chip: h.chip, line: INPUT, activeLow: false, debounceMs: 30 });
      const changes: InputChange[] = [];
      input.onChange((c) => changes.push(c));
      return { input, changes };
    };

    it('opens relays de-energized', async () => {
      const relay = h.driver.openRelay('strike', { chip: h.chip, line: RELAY, activeLow: false });
      expect(relay.name).toBe('strike');
      expect(relay.isEnergized()).toBe(false);
      await expectPhysical(h, RELAY, false);
    });

    it('drives the line when a relay is energized and de-energized', async () => {
      const relay = h.driver.openRelay('strike', { chip: h.chip, line: RELAY, activeLow: false });
      relay.setEnergized(true);
      expect(relay.isEnergized()).toBe(true);
      await expectPhysical(h, RELAY, true);
      relay.setEnergized(false);
      expect(relay.isEnergized()).toBe(false);
      await expectPhysical(h, RELAY, false);
    });

    it('inverts the physical level of an activeLow relay', async () => {
      const relay = h.driver.openRelay('maglock', { chip: h.chip, line: RELAY, activeLow: true });
      await expectPhysical(h, RELAY, true);
      relay.setEnergized(true);
      await expectPhysical(h, RELAY, false);
      relay.setEnergized(false);
      await expectPhysical(h, RELAY, true);
    });

    it('ends up at the last state after quick successive changes', async () => {
      const relay = h.driver.openRelay('strike', { chip: h.chip, line: RELAY, activeLow: false });
      relay.setEnergized(true);
      relay.setEnergized(false);
      relay.setEnergized(true);
      await expectPhysical(h, RELAY, true);
      expect(relay.isEnergized()).toBe(true);
    });

    it('reports one debounced change for a bouncing input, timed at the last transition', async () => {
      const { input, changes } = openRecordedInput('rex');
      expect(input.isActive()).toBe(false);

      await h.setInput(INPUT, true);
      h.clock.advance(5);
      await h.setInput(INPUT, false);
      h.clock.advance(5);
      await h.setInput(INPUT, true);
      const settledAt = h.clock.monotonic();
      h.clock.advance(29);
      expect(changes).toEqual([]);
      expect(input.isActive()).toBe(false);
      h.clock.advance(1);
      expect(changes).toEqual([{ active: true, at: settledAt }]);
      expect(input.isActive()).toBe(true);

      await h.setInput(INPUT, false);
      h.clock.advance(30);
      expect(changes.map((c) => c.active)).toEqual([true, false]);
    });

    it('ignores a glitch shorter than the debounce time', async () => {
      const { input, changes } = openRecordedInput('door');
      await h.setInput(INPUT, true);
      h.clock.advance(10);
      await h.setInput(INPUT, false);
      h.clock.advance(100);
      expect(changes).toEqual([]);
      expect(input.isActive()).toBe(false);
    });

    it('inverts activeLow inputs, including their initial level', async () => {
      h.presetInput(INPUT, true);
      h.presetInput(INPUT_B, false);
      const idle = h.driver.openInput('rex', { chip: h.chip, line: INPUT, activeLow: true, debounceMs: 0 });
      const pressed = h.driver.openInput('door', {
        chip: h.chip,
        line: INPUT_B,
        activeLow: true,
        debounceMs: 0,
      });
      expect(idle.isActive()).toBe(false);
      expect(pressed.isActive()).toBe(true);
      const changes: boolean[] = [];
      idle.onChange((c) => changes.push(c.active));
      await h.setInput(INPUT, false);
      expect(changes).toEqual([true]);
      expect(idle.isActive()).toBe(true);
    });

    it('stops notifying after unsubscribe, and a throwing listener does not starve the others', async () => {
      h.presetInput(INPUT, false);
      const input = h.driver.openInput('rex', { chip: h.chip, line: INPUT, activeLow: false, debounceMs: 0 });
      const seen: boolean[] = [];
      input.onChange(() => {
        throw new Error('listener bug');
      });
      const off = input.onChange((c) => seen.push(c.active));
      await h.setInput(INPUT, true);
      off();
      await h.setInput(INPUT, false);
      expect(seen).toEqual([true]);
    });

    it('refuses to open a line twice, naming the current user', () => {
      h.driver.openRelay('strike', { chip: h.chip, line: RELAY, activeLow: false });
      const again = () => h.driver.openRelay('other', { chip: h.chip, line: RELAY, activeLow: false });
      expect(again).toThrow(HardwareError);
      expect(again).toThrow(/"other".*in use by "strike"/);
      const asInput = () =>
        h.driver.openInput('rex', { chip: h.chip, line: RELAY, activeLow: false, debounceMs: 0 });
      expect(asInput).toThrow(/in use by "strike"/);
    });

    it('leaves a closed relay de-energized and frees its line', async () => {
      const relay = h.driver.openRelay('strike', { chip: h.chip, line: RELAY, activeLow: false });
      relay.setEnergized(true);
      await expectPhysical(h, RELAY, true);
      relay.close();
      expect(relay.isEnergized()).toBe(false);
      expect(() => relay.setEnergized(true)).toThrow(HardwareError);
      await expectPhysical(h, RELAY, false);
      const reopened = h.driver.openRelay('strike', { chip: h.chip, line: RELAY, activeLow: false });
      expect(reopened.isEnergized()).toBe(false);
      await expectPhysical(h, RELAY, false);
    });

    it('leaves every relay de-energized when the driver closes', async () => {
      const strike = h.driver.openRelay('strike', { chip: h.chip, line: RELAY, activeLow: false });
      const maglock = h.driver.openRelay('maglock', { chip: h.chip, line: RELAY_B, activeLow: true });
      strike.setEnergized(true);
      maglock.setEnergized(true);
      await expectPhysical(h, RELAY, true);
      await expectPhysical(h, RELAY_B, false);
      h.driver.close();
      expect(strike.isEnergized()).toBe(false);
      expect(maglock.isEnergized()).toBe(false);
      await expectPhysical(h, RELAY, false);
      await expectPhysical(h, RELAY_B, true);
    });

    it('stops reporting input changes after close', async () => {
      const { input, changes } = openRecordedInput('rex');
      await h.setInput(INPUT, true);
      input.close();
      h.clock.advance(100);
      expect(changes).toEqual([]);
    });
  });
}
