/**
 * Opening a reply from a reader that must be secured: the clear data, or what kind of alarm it is.
 * Never the data of an unsecured or unverified reply — that is the no-downgrade rule in one place.
 */
import { OsdpReply } from '../../../lib/osdp/codes.ts';
import { OsdpSecureError } from '../../../lib/osdp/errors.ts';
import type { OsdpFrame } from '../../../lib/osdp/frame.ts';
import type { AcuSecureSession } from '../../../lib/osdp/secure-session.ts';
import type { ReaderSecurityAlarm } from '../types.ts';

export type SecuredReply = { data: Buffer } | { alarm: ReaderSecurityAlarm['alarm']; message: string };

export function openSecuredReply(session: AcuSecureSession | undefined, frame: OsdpFrame): SecuredReply {
  if (!frame.scb || !session) {
    // A restarted reader has lost its session and NAKs in the clear; a man in the middle sends anything.
    // Both are reported (the message tells them apart for an operator); neither's data counts.
    const message =
      frame.code === OsdpReply.NAK
        ? 'the reader answered with an unsecured NAK (it lost its secure session, e.g. a restart)'
        : 'unsecured reply from a secured reader; its data was dropped';
    return { alarm: 'downgrade', message };
  }
  try {
    return { data: session.openReply(frame) };
  } catch (err) {
    const fault = err instanceof OsdpSecureError ? err.fault : undefined;
    const message = err instanceof Error ? err.message : String(err);
    return { alarm: fault === 'unexpected_scb' ? 'downgrade' : 'mac_mismatch', message };
  }
}
