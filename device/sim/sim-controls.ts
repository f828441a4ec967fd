/**
 * The simulator's control surface for the local API: tap a card, press an input, read the relays. Only
 * simulated drivers have one; on real hardware the API gets none and its sim routes answer 404.
 */
import { z } from 'zod';
import type { GpioDriver } from '../../hal/gpio/types.ts';
import type { CardReaderDriver } from '../../hal/reader/types.ts';
import { NotFoundError, PortvaktError, ValidationError } from '../../lib/errors.ts';
import type { AccessDecision } from '../access/types.ts';
import type { PanelConfig } from '../config/schema.ts';
import { INPUT_ROLES, inputId } from '../door/doors.ts';
import { simGpioOf, simReadersOf } from './sim-hardware.ts';

/** A relay as the simulator shows it: its line, its level and how often it was energized. */
export const simRelayView = z.object({
  name: z.string(),
  chip: z.string(),
  line: z.number().int(),
  energized: z.boolean(),
  energizeCount: z.number().int(),
});
export type SimRelayView = z.output<typeof simRelayView>;

/** What the local API's simulator routes drive; the sim owns it, the API only calls it. */
export interface SimControls {
  /** Taps a card on a configured reader (by reader id); resolves with the decision it caused. */
  tap(readerId: string, uid: string): Promise<AccessDecision>;
  /** Sets a simulated input (`<doorId>.exitButton|doorContact|tamper`) active or inactive. */
  setInput(inputId: string, active: boolean): void;
  inputIds(): string[];
  relays(): SimRelayView[];
}

/** Where a simulated tap's decision is heard (the card-tap path announces each one). */
export interface TapDecisions {
  onDecision(readerId: string, listener: (decision: AccessDecision) => void): () => void;
}

export function createSimControls(deps: {
  config: PanelConfig;
  decisions: TapDecisions;
  gpio: GpioDriver;
  readers: CardReaderDriver;
}): SimControls | undefined {
  const gpio = simGpioOf(deps.gpio);
  const readers = simReadersOf(deps.readers);
  if (!gpio && !readers) return undefined;
  const inputIds = deps.config.doors.flatMap((d) =>
    INPUT_ROLES.filter((r) => d[r]).map((r) => inputId(d.id, r)),
  );
  return {
    tap: async (readerId, uid): Promise<AccessDecision> => {
      if (!readers) throw new ValidationError('card readers are real hardware here; tap a real card');
      const reader = deps.config.readers.find((r) => r.id === readerId);
      if (!reader) {
        throw new NotFoundError(
          `no reader "${readerId}"; readers: ${deps.config.readers.map((r) => r.id).join(', ')}`,
        );
      }
      // The simulated reader delivers a tap synchronously, from the driver's `card` event through the
      // decision to the relay: the decision heard while readers.tap runs is this tap's, and a tap that
      // was not decided then (the card path threw, the reader is not configured) never will be. So the
      // listener lives only for this call: no stale listener can answer a later tap.
      let decided: AccessDecision | undefined;
      const off = deps.decisions.onDecision(readerId, (decision) => {
        decided ??= decision;
      });
      try {
        readers.tap(reader.name, uid);
      } finally {
        off();
      }
      if (!decided) {
        throw new PortvaktError(
          'tap_undecided',
          'the tap was not decided (taken for card enrolment, or see the panel log); the door stays locked',
        );
      }
      return decided;
    },
    setInput: (id, active) => {
      if (!gpio) throw new ValidationError('GPIO is real hardware here');
      if (!inputIds.includes(id)) throw new NotFoundError(`no input "${id}"; inputs: ${inputIds.join(', ')}`);
      gpio.setInput(id, active);
    },
    inputIds: () => inputIds,
    relays: () =>
      gpio
        ? gpio.relays().map((r) => ({
            name: r.name,
            chip: r.chip,
            line: r.line,
            energized: r.energized,
            energizeCount: r.energizeCount,
          }))
        : [],
  };
}
