/** The resident's call log: who rang, when, what happened, and the visitor's picture. */
import type {
  CallLogEntry,
  CallLogOutcome,
  PhoneCallLogPart,
  PhoneCallOutcome,
} from '../../../../protocol/resident-api.ts';
import type { ResidentApi } from '../api.ts';
import { h } from '../dom.ts';

const OUTCOME: Record<CallLogOutcome, string> = {
  answered: 'Answered',
  answered_by_other: 'Answered by someone else',
  declined: 'Declined',
  missed: 'Missed',
  fallback: 'Forwarded to your phone',
  in_progress: 'Ringing',
};

const PHONE_OUTCOME: Record<PhoneCallOutcome, string> = {
  calling: 'calling',
  answered: 'answered',
  busy: 'busy',
  declined: 'declined',
  no_answer: 'no answer',
  failed: 'the call failed',
  cancelled: 'cancelled by the visitor',
};

/** "Called your phone — answered, door opened by phone". */
function phoneText(phone: PhoneCallLogPart): string {
  return `Called your phone — ${PHONE_OUTCOME[phone.outcome]}${phone.doorOpened ? ', door opened by phone' : ''}`;
}

export function callLogSection(api: ResidentApi): { el: HTMLElement; refresh(): Promise<void> } {
  const list = h('ol', { class: 'calls', testid: 'call-log', 'aria-busy': 'true' });
  const el = h(
    'section',
    { class: 'card', 'aria-labelledby': 'calls-title' },
    h('h2', { id: 'calls-title' }, 'Calls'),
    list,
  );
  const refresh = async () => {
    try {
      const calls = await api.calls();
      list.replaceChildren(
        ...(calls.length ? calls.map(entry) : [h('li', { class: 'empty' }, 'No calls yet.')]),
      );
    } catch (err) {
      list.replaceChildren(
        h('li', { class: 'error' }, `Calls could not be loaded: ${(err as Error).message}`),
      );
    }
    list.setAttribute('aria-busy', 'false');
  };
  return { el, refresh };
}

function entry(call: CallLogEntry): HTMLElement {
  const when = new Date(call.startedAt).toLocaleString([], { dateStyle: 'medium', timeStyle: 'short' });
  const who = call.bellText ?? 'Door phone';
  const duration = call.durationMs === null ? '' : ` · ${Math.round(call.durationMs / 1000)} s`;
  const picture = call.snapshot
    ? h('img', {
        class: 'snapshot',
        testid: 'call-snapshot',
        src: call.snapshot,
        alt: `Visitor at ${call.panelName}, ${when}`,
      })
    : h('div', { class: 'snapshot none', role: 'img', 'aria-label': 'No picture' });
  return h(
    'li',
    { testid: 'call-entry', 'data-call-id': call.callId, 'data-outcome': call.outcome },
    picture,
    h(
      'div',
      {},
      h('strong', {}, who),
      h('div', {}, `${call.panelName} · ${when}`),
      h('div', { class: `outcome ${call.outcome}` }, `${OUTCOME[call.outcome]}${duration}`),
      call.phone
        ? h(
            'div',
            {
              class: `phone ${call.phone.outcome}`,
              testid: 'call-phone',
              'data-phone-outcome': call.phone.outcome,
            },
            phoneText(call.phone),
          )
        : null,
    ),
  );
}
