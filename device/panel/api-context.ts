/** Implements the local API's view of the panel on top of the running modules. */

import type { GpioDriver } from '../../hal/gpio/types.ts';
import type { CardReaderDriver } from '../../hal/reader/types.ts';
import type { Clock } from '../../lib/clock/clock.ts';
import { NotFoundError, ValidationError } from '../../lib/errors.ts';
import type { AccessDecision } from '../access/types.ts';
import type { ApiContext, SimControls } from '../api/context.ts';
import type { AuditLog } from '../audit/types.ts';
import type { PanelConfig } from '../config/schema.ts';
import type { IntercomApi } from '../intercom/intercom-api.ts';
import type { CardTaps } from './card-taps.ts';
import { type Doors, INPUT_ROLES, inputId } from './doors.ts';
import { simGpioOf, simReadersOf } from './sim-hardware.ts';

export function createApiContext(deps: {
  config: PanelConfig;
  clock: Clock;
  audit: AuditLog;
  doors: Doors;
  taps: CardTaps;
  gpio: GpioDriver;
  readers: CardReaderDriver;
  startedAt: number;
  intercom?: IntercomApi | undefined;
}): ApiContext {
  const { config, clock, audit, doors } = deps;
  return {
    intercom: deps.intercom,
    health: () => ({
      status: deps.readers.attachedReaders().length >= config.readers.length ? 'ok' : 'degraded',
      panelId: config.panel.id,
      panelName: config.panel.name,
      uptimeS: Math.round((clock.monotonic() - deps.startedAt) / 1000),
      lastSeq: audit.lastSeq(),
      readers: deps.readers.attachedReaders(),
    }),
    doors: () =>
      doors.all().map((d) => {
        const s = d.state();
        return { id: s.id, name: s.name, locked: s.locked, open: s.open, alarms: s.alarms };
      }),
    events: (after, limit) => audit.after(after, limit),
    unlockDoor: (doorId, requestedBy, pulseMs) => {
      const door = doors.get(doorId);
      if (!door)
        throw new NotFoundError(
          `no door "${doorId}"; doors: ${doors
            .all()
            .map((d) => d.id)
            .join(', ')}`,
        );
      const decision = audit.append({ type: 'api.unlock_requested', doorId, data: { requestedBy, pulseMs } });
      const result = door.unlock({
        kind: 'api',
        eventSeq: decision.seq,
        ...(pulseMs ? { ms: pulseMs } : {}),
      });
      return { seq: result.seq, pulseMs: result.pulseMs };
    },
    installerToken: config.api.installerToken,
    sim: createSimControls(deps),
  };
}

function createSimControls(deps: {
  config: PanelConfig;
  taps: CardTaps;
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
      return new Promise<AccessDecision>((resolve, reject) => {
        const off = deps.taps.onDecision(readerId, (decision) => {
          off();
          resolve(decision);
        });
        try {
          readers.tap(reader.name, uid);
        } catch (err) {
          off();
          reject(err);
        }
      });
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
