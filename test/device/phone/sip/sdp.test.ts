import { describe, expect, it } from 'vitest';
import { buildOffer, parseAnswer } from '../../../../device/phone/sip/sdp.ts';
import { ValidationError } from '../../../../lib/errors.ts';

const answer = (media: string, extra = ''): string =>
  ['v=0', 'o=- 1 1 IN IP4 10.0.0.5', 's=-', 'c=IN IP4 10.0.0.5', 't=0 0', media, extra]
    .filter(Boolean)
    .join('\r\n');

describe('phone leg SDP', () => {
  it('offers plain RTP/AVP with PCMU, PCMA and telephone-event 0-15 on the leg address', () => {
    const offer = buildOffer({ address: '192.0.2.10', port: 40000 }, '42', 1);
    expect(offer).toContain('c=IN IP4 192.0.2.10');
    expect(offer).toContain('m=audio 40000 RTP/AVP 0 8 101');
    expect(offer).toContain('a=rtpmap:101 telephone-event/8000');
    expect(offer).toContain('a=fmtp:101 0-15');
    expect(offer).not.toMatch(/ice|fingerprint|SAVP/i);
  });

  it('takes the first G.711 codec in the answer, its telephone-event type, address and port', () => {
    const remote = parseAnswer(
      answer('m=audio 5004 RTP/AVP 8 0 96', 'a=rtpmap:96 telephone-event/8000\r\na=rtpmap:8 PCMA/8000'),
    );
    expect(remote).toEqual({ address: '10.0.0.5', port: 5004, codec: 'pcma', telephoneEventPt: 96 });
  });

  it('prefers a media-level connection and accepts an answer without telephone-event', () => {
    const remote = parseAnswer(answer('m=audio 5004 RTP/AVP 0', 'c=IN IP4 10.0.0.9'));
    expect(remote).toEqual({ address: '10.0.0.9', port: 5004, codec: 'pcmu', telephoneEventPt: null });
  });

  it.each([
    ['no audio', answer('m=video 5004 RTP/AVP 96')],
    ['port 0 (rejected stream)', answer('m=audio 0 RTP/AVP 0')],
    ['SRTP profile', answer('m=audio 5004 RTP/SAVP 0')],
    ['no G.711', answer('m=audio 5004 RTP/AVP 9 101', 'a=rtpmap:9 G722/8000')],
    ['no address', 'v=0\r\nm=audio 5004 RTP/AVP 0'],
    ['a bad address', answer('m=audio 5004 RTP/AVP 0', 'c=IN IP4 not-an-ip')],
    ['inactive media', answer('m=audio 5004 RTP/AVP 0', 'a=inactive')],
  ])('refuses an answer with %s', (_what, sdp) => {
    expect(() => parseAnswer(sdp)).toThrow(ValidationError);
  });
});
