import { describe, expect, it } from 'vitest';
import { requestSchema } from '../../../device/media/protocol.ts';
import {
  checkAnswerSdp,
  checkRemoteCandidate,
  keepLoopbackCandidates,
  parseCandidate,
} from '../../../device/media/signaling.ts';
import { ValidationError } from '../../../lib/errors.ts';

const host = (ip: string, port = 50000) => `candidate:1 1 udp 2130706431 ${ip} ${port} typ host generation 0`;

describe('ICE candidates', () => {
  it('parses the usual forms', () => {
    expect(parseCandidate(host('127.0.0.1'))).toEqual({
      address: '127.0.0.1',
      port: 50000,
      protocol: 'udp',
      type: 'host',
    });
    expect(parseCandidate(`a=${host('::1')}`).address).toBe('::1');
    expect(parseCandidate('candidate:abc 1 UDP 1 0f1e2d3c-aaaa.local 9 typ host').type).toBe('host');
  });

  it('malformed candidates are ValidationErrors that say what was expected', () => {
    for (const bad of [
      '',
      'hello',
      'candidate:1 1 udp 1 not-an-ip 5 typ host',
      host('127.0.0.1', 0),
      host('127.0.0.1', 70000),
    ]) {
      expect(() => parseCandidate(bad)).toThrow(ValidationError);
    }
    expect(() => parseCandidate('garbage')).toThrow(
      /malformed ICE candidate "garbage": expected "candidate:/,
    );
  });

  it('a loopback-only engine refuses other addresses; BUNDLE puts a bare candidate on m-line 0', () => {
    expect(() => checkRemoteCandidate({ candidate: host('192.168.1.20') }, true)).toThrow(
      'ICE candidate ignored: 192.168.1.20 is not a loopback address and the media engine is loopback-only',
    );
    expect(checkRemoteCandidate({ candidate: host('192.168.1.20') }, false).candidate).toBe(
      host('192.168.1.20'),
    );
    expect(checkRemoteCandidate({ candidate: `a=${host('127.0.0.1')}` }, true)).toEqual({
      candidate: host('127.0.0.1'),
      sdpMid: null,
      sdpMLineIndex: 0,
    });
    expect(() =>
      checkRemoteCandidate({ candidate: 'candidate:1 1 tcp 1 127.0.0.1 9 typ host' }, true),
    ).toThrow(/UDP/);
  });

  it("an app's mDNS host candidate is not handed to werift (its lookup could hold the call for 10 s)", () => {
    const mdns = 'candidate:2 1 udp 2113937151 e374c298-eee8-4296-b125-1c17a3656e9a.local 50506 typ host';
    expect(() => checkRemoteCandidate({ candidate: mdns }, false)).toThrow(
      'ICE candidate ignored: e374c298-eee8-4296-b125-1c17a3656e9a.local is an mDNS name',
    );
    // The same device's reflexive and relay candidates still are.
    const srflx = 'candidate:3 1 udp 1677729535 203.0.113.2 45317 typ srflx raddr 0.0.0.0 rport 0';
    expect(checkRemoteCandidate({ candidate: srflx }, false).candidate).toBe(srflx);
  });
});

describe('SDP', () => {
  const answer = [
    'v=0',
    'o=- 1 1 IN IP4 0.0.0.0',
    's=-',
    't=0 0',
    'm=video 9 UDP/TLS/RTP/SAVPF 96',
    'a=ice-ufrag:x',
    'a=ice-pwd:y',
    'a=fingerprint:sha-256 AA',
    'm=audio 9 UDP/TLS/RTP/SAVPF 111',
    '',
  ].join('\r\n');

  it('accepts a plausible answer and names every problem of a bad one', () => {
    expect(() => checkAnswerSdp(answer, 2)).not.toThrow();
    expect(() => checkAnswerSdp('not sdp at all', 2)).toThrow(
      'malformed SDP answer: does not start with "v=0"; line "not sdp at all" is not "<letter>=<value>"; has 0 m-sections, the offer had 2; has no a=ice-ufrag; has no a=ice-pwd; has no a=fingerprint (DTLS)',
    );
    expect(() => checkAnswerSdp(answer, 3)).toThrow(/has 2 m-sections, the offer had 3/);
  });

  it('a loopback-only offer carries only 127/8 candidates', () => {
    const sdp = [
      'm=video 9 X 96',
      `a=${host('127.0.0.1')}`,
      `a=${host('192.0.2.2')}`,
      'a=end-of-candidates',
    ].join('\r\n');
    expect(keepLoopbackCandidates(sdp)).toBe(
      ['m=video 9 X 96', `a=${host('127.0.0.1')}`, 'a=end-of-candidates'].join('\r\n'),
    );
  });
});

describe('worker request schema', () => {
  it('accepts the API calls and rejects bad ids and unknown types', () => {
    expect(requestSchema.safeParse({ type: 'open-peer', peerId: 'app-1', video: true }).success).toBe(true);
    expect(requestSchema.safeParse({ type: 'set-talker', peerId: null }).success).toBe(true);
    expect(requestSchema.safeParse({ type: 'open-peer', peerId: 'a b', video: true }).success).toBe(false);
    expect(requestSchema.safeParse({ type: 'open-peer', peerId: 'x', video: 'yes' }).success).toBe(false);
    expect(requestSchema.safeParse({ type: 'reboot' }).success).toBe(false);
    expect(requestSchema.safeParse({ type: 'stats', extra: 1 }).success).toBe(false);
  });
});
