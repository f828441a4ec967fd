/**
 * What the publisher sends Home Assistant for audit events, on fake time: the visitor picture bounded in
 * size and rate, a hidden bell announced without its name, and card events without personal data.
 */
import { describe, expect, it } from 'vitest';
import type { AuditEvent } from '../../../device/audit/types.ts';
import type { HaMessage } from '../../../device/home-assistant/state-messages.ts';
import { HaPublisher } from '../../../device/home-assistant/state-publisher.ts';
import { HaTopics } from '../../../device/home-assistant/topics.ts';
import { FakeClock } from '../../../lib/clock/fake-clock.ts';

const topics = new HaTopics({ topicPrefix: 'portvakt', discoveryPrefix: 'homeassistant', panelId: 'p1' });

function publisher(options: { bellName?: (id: string) => string | undefined } = {}) {
  const clock = new FakeClock();
  const sent: HaMessage[] = [];
  const p = new HaPublisher({
    topics,
    doors: [],
    send: (m) => sent.push(m),
    bellName: options.bellName ?? (() => 'Andersson'),
    readerDoors: () => ['front'],
    clock,
    imageMinIntervalS: 10,
  });
  return { p, sent, clock };
}

let seq = 0;
function event(type: string, data: Record<string, unknown>, readerId: string | null = null): AuditEvent {
  seq++;
  return { id: `e${seq}`, seq, ts: 0, type, doorId: null, readerId, data } as AuditEvent;
}

const jpeg = (bytes: number) =>
  Buffer.concat([
    Buffer.from([0xff, 0xd8]),
    Buffer.alloc(Math.max(0, bytes - 4), 7),
    Buffer.from([0xff, 0xd9]),
  ]);
const snapshot = (data: Buffer) =>
  event('call.snapshot', { callId: 'c', snapshot: `data:image/jpeg;base64,${data.toString('base64')}` });

describe('the visitor picture', () => {
  it('goes out as raw JPEG bytes, retained, at most once per interval', () => {
    const { p, sent, clock } = publisher();
    p.audit(snapshot(jpeg(1000)));
    p.audit(snapshot(jpeg(1000)));
    clock.advance(9_999);
    p.audit(snapshot(jpeg(1000)));
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ topic: 'portvakt/p1/visitor/image', retain: true });
    expect(sent[0]!.payload).toEqual(jpeg(1000));
    clock.advance(1);
    p.audit(snapshot(jpeg(1000)));
    expect(sent).toHaveLength(2);
  });

  it('is not sent when too large or not a JPEG', () => {
    const { p, sent } = publisher();
    p.audit(snapshot(jpeg(64 * 1024 + 1)));
    p.audit(snapshot(Buffer.from('GIF89a not a jpeg')));
    p.audit(event('call.snapshot', { callId: 'c', snapshot: 'data:image/png;base64,AAAA' }));
    expect(sent).toEqual([]);
    // A refused one does not use up the interval.
    p.audit(snapshot(jpeg(100)));
    expect(sent).toHaveLength(1);
  });
});

describe('events', () => {
  it('names a bell only when the directory shows it', () => {
    const { p, sent } = publisher({ bellName: (id) => (id === 'shown' ? 'Andersson' : undefined) });
    p.audit(event('call.started', { callId: 'c1', bellId: 'shown', type: 'separate' }));
    p.audit(event('call.started', { callId: 'c2', bellId: 'hidden', type: 'separate' }));
    expect(sent.map((m) => [m.topic, m.retain, JSON.parse(String(m.payload))])).toEqual([
      ['portvakt/p1/doorbell', false, { event_type: 'ring', bell: 'Andersson', busy: false }],
      ['portvakt/p1/doorbell', false, { event_type: 'ring', busy: false }],
    ]);
  });

  it('sends a card decision without the UID hash, the card, the resident or an unknown reason', () => {
    const { p, sent } = publisher();
    const personal = { uidHash: 'h4sh', cardId: 'card-9', residentId: 'resident-9' };
    p.audit(event('access.granted', { reason: 'granted', doorIds: ['front'], ...personal }, 'r1'));
    p.audit(event('access.denied', { reason: 'card_revoked', doorIds: [], ...personal }, 'r1'));
    p.audit(event('access.denied', { reason: 'Anna told me', doorIds: [], ...personal }, null));
    expect(sent.map((m) => JSON.parse(String(m.payload)))).toEqual([
      { event_type: 'card_granted', door_ids: ['front'], reader_id: 'r1' },
      { event_type: 'card_denied', door_ids: ['front'], reader_id: 'r1', reason: 'card_revoked' },
      { event_type: 'card_denied', door_ids: [], reader_id: null },
    ]);
    expect(sent.every((m) => !m.retain)).toBe(true);
  });

  it('ignores every other audit event', () => {
    const { p, sent } = publisher();
    p.audit(event('system.started', { panelId: 'p1' }));
    p.audit(event('installer.entered', { session: 's', replaced: null }));
    expect(sent).toEqual([]);
  });
});
