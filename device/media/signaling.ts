/**
 * Checks of what the far end sends through signaling (SDP answers, ICE candidates) before werift sees
 * it: werift's parsers assume well-formed input and some of their failures surface later, inside the
 * worker, instead of as an error to the caller.
 */
import { isIPv4, isIPv6 } from 'node:net';
import type { IceCandidate } from '../../cloud-sync/protocol/ice.ts';
import { ValidationError } from '../../lib/errors.ts';
import type { CandidateInit } from './protocol.ts';

export interface ParsedCandidate {
  address: string;
  port: number;
  protocol: 'udp' | 'tcp';
  type: 'host' | 'srflx' | 'prflx' | 'relay';
}

const CANDIDATE =
  /^(?:a=)?candidate:([A-Za-z0-9+/]{1,32}) ([12]) (udp|tcp) (\d{1,10}) (\S+) (\d{1,5}) typ (host|srflx|prflx|relay)(?: .*)?$/i;
const MDNS = /^[A-Za-z0-9-]{1,63}\.local$/;

export function parseCandidate(text: string): ParsedCandidate {
  const m = CANDIDATE.exec(text.trim());
  if (!m) {
    throw new ValidationError(
      `malformed ICE candidate "${text.slice(0, 120)}": expected "candidate:<foundation> <component> <udp|tcp> <priority> <address> <port> typ <host|srflx|prflx|relay> ..."`,
    );
  }
  const address = m[5]!;
  const port = Number(m[6]);
  if (!isIPv4(address) && !isIPv6(address) && !MDNS.test(address)) {
    throw new ValidationError(`malformed ICE candidate: "${address}" is not an IP address or mDNS name`);
  }
  if (port < 1 || port > 65535)
    throw new ValidationError(`malformed ICE candidate: port ${port} is out of range`);
  return {
    address,
    port,
    protocol: m[3]!.toLowerCase() as ParsedCandidate['protocol'],
    type: m[7]!.toLowerCase() as ParsedCandidate['type'],
  };
}

export const isLoopback = (address: string): boolean => isIPv4(address) && address.startsWith('127.');

/** Validates a remote candidate for this engine; throws a ValidationError saying why it is not used. */
export function checkRemoteCandidate(init: CandidateInit, loopbackOnly: boolean): IceCandidate {
  const parsed = parseCandidate(init.candidate);
  if (loopbackOnly && !isLoopback(parsed.address)) {
    throw new ValidationError(
      `ICE candidate ignored: ${parsed.address} is not a loopback address and the media engine is loopback-only`,
    );
  }
  if (parsed.protocol !== 'udp') {
    throw new ValidationError('ICE candidate ignored: only UDP candidates are used');
  }
  if (MDNS.test(parsed.address)) {
    // Browsers hide their host address behind a random mDNS name, which resolves on the device's own
    // link only. werift would ask for it by multicast and wait up to 10 s for an answer that never
    // comes across a NAT; if the candidate arrived while the answer was being applied, that wait held
    // up the whole call (the WAN lab's 10 s ring → first frame). Nothing is lost by skipping it: an app
    // on the panel's own LAN reaches the panel's host candidate, which then learns the app's address as
    // a peer-reflexive candidate from its checks.
    throw new ValidationError(
      `ICE candidate ignored: ${parsed.address} is an mDNS name, which resolves only on the app device's own network`,
    );
  }
  return {
    candidate: init.candidate.trim().replace(/^a=/, ''),
    // With BUNDLE every candidate belongs to the first m-section.
    sdpMid: init.sdpMid ?? null,
    sdpMLineIndex: init.sdpMid == null ? (init.sdpMLineIndex ?? 0) : (init.sdpMLineIndex ?? null),
  };
}

/**
 * A plausible answer to our offer: SDP lines, one m-section per offered one, ICE credentials and a DTLS
 * fingerprint. Anything else is rejected here with a message that says what is missing.
 */
export function checkAnswerSdp(sdp: string, offeredSections: number): void {
  const problems: string[] = [];
  const lines = sdp.split(/\r?\n/).filter((l) => l !== '');
  if (lines[0] !== 'v=0') problems.push('does not start with "v=0"');
  const bad = lines.find((l) => !/^[a-z]=/.test(l));
  if (bad !== undefined) problems.push(`line "${bad.slice(0, 60)}" is not "<letter>=<value>"`);
  const sections = lines.filter((l) => l.startsWith('m=')).length;
  if (sections !== offeredSections)
    problems.push(`has ${sections} m-sections, the offer had ${offeredSections}`);
  if (!lines.some((l) => l.startsWith('a=ice-ufrag:'))) problems.push('has no a=ice-ufrag');
  if (!lines.some((l) => l.startsWith('a=ice-pwd:'))) problems.push('has no a=ice-pwd');
  if (!lines.some((l) => l.startsWith('a=fingerprint:'))) problems.push('has no a=fingerprint (DTLS)');
  if (problems.length) throw new ValidationError(`malformed SDP answer: ${problems.join('; ')}`, problems);
}

/** Drops candidates that a loopback-only engine must not advertise (werift also gathers the LAN ones). */
export function keepLoopbackCandidates(sdp: string): string {
  return sdp
    .split('\r\n')
    .filter((line) => {
      if (!line.startsWith('a=candidate:')) return true;
      const address = line.split(' ')[4];
      return address !== undefined && isLoopback(address);
    })
    .join('\r\n');
}
