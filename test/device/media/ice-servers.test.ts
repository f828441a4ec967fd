import { describe, expect, it } from 'vitest';
import { NO_STUN_SERVER, weriftIceOptions } from '../../../device/media/ice-servers.ts';

const turn = { urls: 'turn:192.0.2.1:3478?transport=udp', username: '1900000000:panel-1', credential: 'c' };

describe("werift's STUN server is always one the panel chose", () => {
  it('a configured STUN server is used as it is', () => {
    const servers = [{ urls: 'stun:stun.example.net:3478' }, turn];
    expect(weriftIceOptions(servers)).toEqual({ iceServers: servers, iceStunGatherTimeout: undefined });
  });

  it('with TURN over UDP alone, the TURN server answers STUN too (same host and port)', () => {
    expect(weriftIceOptions([turn])).toEqual({
      iceServers: [{ urls: 'stun:192.0.2.1:3478' }, turn],
      iceStunGatherTimeout: undefined,
    });
    expect(weriftIceOptions([{ ...turn, urls: 'turn:[2001:db8::1]:3478' }]).iceServers[0]).toEqual({
      urls: 'stun:[2001:db8::1]:3478',
    });
  });

  it('without STUN or UDP TURN, no request leaves the panel and nothing waits for one', () => {
    const tcpOnly = [{ ...turn, urls: 'turns:turn.example.net:5349?transport=tcp' }];
    for (const servers of [[], tcpOnly]) {
      const options = weriftIceOptions(servers);
      expect(options.iceServers).toEqual([{ urls: NO_STUN_SERVER }, ...servers]);
      expect(NO_STUN_SERVER).toMatch(/^stun:127\./);
      expect(options.iceStunGatherTimeout).toBeLessThan(0.1);
    }
  });
});
