/**
 * A valid payload for every audit event type, for tests that need events of some type rather than of some
 * content (filling an outbox, grouping rows in a transaction). Typed against the payload map, so a type
 * added there without a sample here does not compile.
 */
import type { AuditEventInput, AuditEventType, AuditPayloads } from '../../../device/audit/types.ts';

const uidHash = '0011223344556677';
const call = { callId: 'call-1', bellId: 'bell-1', residentId: 'alice' };

export const SAMPLE_PAYLOADS: { [T in AuditEventType]: AuditPayloads[T] } = {
  'system.started': { panelId: 'test-panel' },
  'system.stopped': { panelId: 'test-panel' },
  'access.granted': {
    reason: 'granted',
    doorIds: ['front'],
    uidHash,
    cardId: 'c-alice',
    residentId: 'alice',
  },
  'access.denied': { reason: 'unknown_card', doorIds: [], uidHash },
  'door.unlocked': { cause: 'access', decisionSeq: 1, pulseMs: 5000, unlockedUntil: 5000, extended: false },
  'door.locked': { reason: 'pulse_end' },
  'door.opened': { authorized: true, by: 'access' },
  'door.closed': { openMs: 2000 },
  'door.exit_requested': {},
  'alarm.raised': { alarm: 'forced_open' },
  'alarm.cleared': { alarm: 'forced_open', activeMs: 1000 },
  'reader.attached': { reader: 'Sim Reader' },
  'reader.detached': { reader: 'Sim Reader' },
  'reader.error': { reader: 'Sim Reader', message: 'reader gone' },
  'api.unlock_requested': { requestedBy: 'installer' },
  'command.executed': { command: 'identify', durationS: 10 },
  'command.refused': { reason: 'replayed', detail: 'nonce seen before' },
  'sync.rejected': { leaf: 'commands', reason: 'not JSON' },
  'sync.event_skipped': { seq: 7, eventType: 'call.refused', reason: 'invalid', detail: 'data: invalid' },
  'config.rejected': { leaf: 'config/desired', reason: 'invalid' },
  'config.applied': { version: 1, kind: 'snapshot' },
  'config.door_mismatch': { hubOnly: ['door-2'], panelOnly: ['door-1'] },
  'outbox.overflow': { dropped: { 'door.opened': 1 }, total: 1, maxRows: 1000 },
  'call.started': { callId: call.callId, bellId: call.bellId, type: 'parallel' },
  'call.ringing': { callId: call.callId, residentId: call.residentId, devices: 1 },
  'call.ring_stopped': { callId: call.callId, residentId: call.residentId, reason: 'timeout' },
  'call.answered': { callId: call.callId, residentId: call.residentId, deviceId: 'alice-phone' },
  'call.declined': { callId: call.callId, residentId: call.residentId },
  'call.ended': { callId: call.callId, bellId: call.bellId, outcome: 'no_answer' },
  'call.fallback': { callId: call.callId, bellId: call.bellId, residentIds: ['alice'], why: 'no_app_device' },
  'call.busy': { bellId: call.bellId, activeCallId: call.callId },
  'call.phone_dialing': { callId: call.callId, residentId: call.residentId },
  'call.phone_ringing': { callId: call.callId, residentId: call.residentId, early: false },
  'call.phone_answered': { callId: call.callId, residentId: call.residentId },
  'call.phone_ended': {
    callId: call.callId,
    residentId: call.residentId,
    outcome: 'busy',
    reason: 'Busy Here',
    sipStatus: 486,
  },
  'call.phone_digit': {
    callId: call.callId,
    residentId: call.residentId,
    digit: '3',
    source: 'rfc4733',
    action: 'ignored',
  },
  'call.phone_door_opened': {
    callId: call.callId,
    residentId: call.residentId,
    doorId: 'front',
    digit: '5',
    source: 'sip-info',
  },
  'call.snapshot': { callId: call.callId, snapshot: 'data:image/jpeg;base64,' },
  'call.refused': { appDeviceId: 'mallory-phone', reason: 'not rung' },
  'card.enrolled': { uidHash: '0123456789abcdef' },
  'call.device_cut': { callId: 'c1', appDeviceId: 'mallory-phone', reason: 'device_rate_limited' },
  'call.flood': {
    appDeviceId: 'mallory-phone',
    refused: 3,
    rateLimited: 19_000,
    firstReason: 'not rung',
    lastReason: 'rate_limited_device',
    windowMs: 60_000,
  },
  'call.door_opened': { callId: call.callId, residentId: call.residentId, appDeviceId: 'alice-phone' },
  'call.door_refused': { callId: call.callId, doorId: 'front', reason: 'door is not running' },
  'call.media_error': { callId: call.callId, reason: 'no media' },
  'storage.degraded': { code: 'SQLITE_FULL', reserveReleased: true },
  'storage.recovered': { degradedMs: 1200, written: 3, dropped: {} },
  'installer.entered': { session: 'a1b2c3d4', replaced: null },
  'installer.pin_refused': { failures: 3, lockedForS: 30 },
  'installer.backoff': { failures: 3, retryAfterS: 29 },
  'installer.left': { session: 'a1b2c3d4', reason: 'idle' },
  'installer.relay_tested': { session: 'a1b2c3d4', pulseMs: 1000 },
  'installer.logs_exported': { session: 'a1b2c3d4', lines: 500 },
  'installer.speaker_tested': { session: null },
  'home_assistant.open_requested': { command: 'OPEN' },
  'home_assistant.command_refused': {
    reason: 'not_allowed',
    detail: 'OPEN refused: homeAssistant.allowOpen is false',
  },
  'resident.panel_signed_in': { residentId: 'alice', cardId: 'c-alice' },
  'resident.panel_sign_in_refused': { reason: 'wrong_pin', residentId: 'alice', failures: 1 },
  'resident.panel_settings_changed': { residentId: 'alice', hidden: true },
  'update.started': { releaseId: 'r1', version: '0.2.0+b1', fromVersion: '0.1.0' },
  'update.progress': { releaseId: 'r1', version: '0.2.0+b1', phase: 'downloading', percent: 50 },
  'update.installed': { releaseId: 'r1', version: '0.2.0+b1' },
  'update.failed': {
    releaseId: 'r1',
    version: '0.2.0+b1',
    reason: 'checksum_mismatch',
    detail: 'sha256 differs',
  },
  'update.confirmed': { releaseId: 'r1', version: '0.2.0+b1', slot: 'B' },
  'update.rolled_back': { releaseId: 'r1', version: '0.2.0+b1', runningVersion: '0.1.0', slot: 'A' },
};

/** An event of `type` with its sample payload. */
export function sampleEvent<T extends AuditEventType>(
  type: T,
  ids: { doorId?: string; readerId?: string } = {},
): AuditEventInput<T> {
  return { type, ...ids, data: SAMPLE_PAYLOADS[type] };
}
