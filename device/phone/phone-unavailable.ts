/**
 * The phone fallback of a panel that cannot place phone calls (no `intercom.phone` in its config, or the
 * dialer did not start): every leg is recorded and fails at once with the reason, so the router moves on
 * and the visitor's screen says the resident could not be reached.
 */
import type { IntercomPhone } from '../intercom/ports.ts';
import type { CallAudit } from '../intercom/types.ts';

export function phoneUnavailable(reason: string, audit: CallAudit): IntercomPhone {
  return {
    dial({ callId, residentId }, report) {
      audit('call.phone_dialing', { callId, residentId });
      audit('call.phone_ended', { callId, residentId, outcome: 'failed', reason });
      report.ended('failed');
    },
    end() {},
  };
}
