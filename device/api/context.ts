/**
 * What the local API needs from the panel. The composition root implements it; the API never reaches
 * into modules directly, which keeps the HTTP layer testable and the modules unaware of HTTP.
 */
import type { AccessDecision } from '../access/types.ts';
import type { AuditEvent } from '../audit/types.ts';
import type { DoorStateView } from '../bus/event-bus.ts';

export interface HealthView {
  status: 'ok' | 'degraded';
  panelId: string;
  panelName: string;
  uptimeS: number;
  lastSeq: number;
  readers: string[];
}

export interface SimRelayView {
  name: string;
  chip: string;
  line: number;
  energized: boolean;
  energizeCount: number;
}

export interface SimControls {
  /** Taps a card on a configured reader (by reader id); resolves with the decision it caused. */
  tap(readerId: string, uid: string): Promise<AccessDecision>;
  /** Sets a simulated input (`<doorId>.exitButton|doorContact|tamper`) active or inactive. */
  setInput(inputId: string, active: boolean): void;
  inputIds(): string[];
  relays(): SimRelayView[];
}

export interface DirectoryEntryView {
  bellId: string;
  type: 'separate' | 'sequential' | 'parallel' | 'family' | 'business';
  displayText: string;
  unitName: string | null;
  picture: string | null;
}

export type CallStateView =
  | { phase: 'idle' }
  | { phase: 'ringing' | 'connected'; callId: string; bellId: string; bellText: string; since: number };

/** The intercom as the local API sees it (absent on a panel without the intercom). */
export interface IntercomApi {
  directory(): DirectoryEntryView[];
  /** Throws NotFoundError for an unknown bell. Waits for the intercom if it is still starting. */
  ring(
    bellId: string,
  ): Promise<{ ok: true; callId: string } | { ok: false; reason: 'busy' | 'nobody_to_ring' }>;
  call(): CallStateView;
  hangUp(callId: string): boolean;
  /** Media engine figures (peers, packets, what reached the speaker), for the simulator and tests. */
  mediaStats(): Promise<unknown>;
}

export interface ApiContext {
  health(): HealthView;
  doors(): DoorStateView[];
  events(afterSeq: number, limit: number): AuditEvent[];
  /** Records the positive decision, then pulses the door. Throws NotFoundError for an unknown door. */
  unlockDoor(doorId: string, requestedBy: string, pulseMs?: number): { seq: number; pulseMs: number };
  installerToken: string | undefined;
  sim: SimControls | undefined;
  intercom?: IntercomApi | undefined;
}
