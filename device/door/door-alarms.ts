import type { AlarmDetail } from '../audit/payloads.ts';
import type { DoorAudit } from './door-audit.ts';
import type { DoorAlarm } from './types.ts';

/** The set of active alarms of one door; each raise and clear is audited once, not on every repeat. */
export class DoorAlarms {
  readonly #audit: DoorAudit;
  readonly #raisedAt = new Map<DoorAlarm, number>();
  readonly #now: () => number;

  constructor(audit: DoorAudit, now: () => number) {
    this.#audit = audit;
    this.#now = now;
  }

  /** Returns true when the alarm was not active before. */
  raise(alarm: DoorAlarm, data: AlarmDetail = {}): boolean {
    if (this.#raisedAt.has(alarm)) return false;
    this.#raisedAt.set(alarm, this.#now());
    this.#audit.report('alarm.raised', { alarm, ...data });
    return true;
  }

  /** Returns true when the alarm was active. */
  clear(alarm: DoorAlarm, data: AlarmDetail = {}): boolean {
    const since = this.#raisedAt.get(alarm);
    if (since === undefined) return false;
    this.#raisedAt.delete(alarm);
    this.#audit.report('alarm.cleared', { alarm, activeMs: this.#now() - since, ...data });
    return true;
  }

  has(alarm: DoorAlarm): boolean {
    return this.#raisedAt.has(alarm);
  }

  list(): DoorAlarm[] {
    return [...this.#raisedAt.keys()];
  }
}
