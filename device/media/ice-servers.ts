/**
 * The STUN/TURN part of werift's configuration, from the panel's `intercom.iceServers`.
 *
 * werift has no "no STUN" setting: without a stun: URL it asks stun.l.google.com for every peer's
 * server-reflexive candidate (werift 0.25.2, ice.js DEFAULT_STUN_SERVER). A door panel must not tell a
 * third party about each of its calls, and where that name does not resolve or the answer does not
 * come back (a panel without internet, the WAN lab), gathering waits out werift's 5 s STUN timeout: a
 * complete offer (a spare peer's, the bare reference call's) then takes 5 s. So werift always gets a
 * STUN server chosen here:
 *  - a configured stun: URL, as it is;
 *  - else the host and port of a configured turn: URL over UDP: a TURN server is a STUN server
 *    (RFC 8656; coturn answers Binding requests on its listening port), so the panel's
 *    server-reflexive candidate costs one round trip to a server it already trusts;
 *  - else a port on the panel's own loopback where nothing listens, so no request leaves the panel,
 *    with a gather timeout short enough that werift does not wait for an answer that cannot come.
 */
import type { IceServer } from './protocol.ts';

/** Nothing listens on the discard port of the loopback: werift's Binding requests end there. */
export const NO_STUN_SERVER = 'stun:127.0.0.1:9';
/** Seconds werift waits for the Binding answer when no server can give one (setTimeout resolution). */
const NO_STUN_GATHER_TIMEOUT_S = 0.001;

/** `turn:host:port` or `turn:host:port?transport=udp` (not TCP, not turns:): the same host and port. */
const TURN_UDP = /^turn:([^?\s]+)(?:\?transport=udp)?$/i;

export interface WeriftIceOptions {
  iceServers: IceServer[];
  /** werift's iceStunGatherTimeout (seconds); undefined: werift's default (5 s). */
  iceStunGatherTimeout: number | undefined;
}

export function weriftIceOptions(configured: readonly IceServer[]): WeriftIceOptions {
  const servers = [...configured];
  if (servers.some((s) => s.urls.toLowerCase().startsWith('stun:')))
    return { iceServers: servers, iceStunGatherTimeout: undefined };
  const turnUdp = servers.map((s) => TURN_UDP.exec(s.urls)?.[1]).find((hostPort) => hostPort !== undefined);
  if (turnUdp !== undefined)
    return { iceServers: [{ urls: `stun:${turnUdp}` }, ...servers], iceStunGatherTimeout: undefined };
  return {
    iceServers: [{ urls: NO_STUN_SERVER }, ...servers],
    iceStunGatherTimeout: NO_STUN_GATHER_TIMEOUT_S,
  };
}
