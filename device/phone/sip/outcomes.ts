/** How a final SIP answer to the panel's INVITE maps to the call's outcome (the audit and call log's). */
import type { PhoneOutcome } from '../types.ts';

/** `cancelledByTimeout`: the panel itself CANCELled after the ring time (so a 487 means "no answer"). */
export function outcomeForStatus(status: number, cancelledByTimeout: boolean): PhoneOutcome {
  if (status === 486 || status === 600) return 'busy';
  if (status === 603) return 'declined';
  if (status === 408 || status === 480) return 'no_answer';
  if (status === 487) return cancelledByTimeout ? 'no_answer' : 'failed';
  return 'failed';
}
