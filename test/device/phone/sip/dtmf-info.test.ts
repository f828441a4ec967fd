import { describe, expect, it } from 'vitest';
import { parseDtmfInfo } from '../../../../device/phone/sip/dtmf-info.ts';
import { outcomeForStatus } from '../../../../device/phone/sip/outcomes.ts';

describe('SIP INFO digits', () => {
  it.each([
    ['application/dtmf-relay', 'Signal=5\r\nDuration=160', '5'],
    ['application/dtmf-relay', 'Signal= 8\nDuration=100', '8'],
    ['Application/DTMF-Relay; charset=x', 'signal=#\r\n', '#'],
    ['application/dtmf', '5', '5'],
    ['application/dtmf', ' *\r\n', '*'],
    ['application/dtmf', 'a', 'A'],
  ])('%s %j → %s', (type, body, digit) => {
    expect(parseDtmfInfo(type, body)).toBe(digit);
  });

  it.each([
    ['application/dtmf-relay', 'Signal=five'],
    ['application/dtmf-relay', 'Duration=160'],
    ['application/dtmf-relay', 'Signal=5\r\nSignal=8'],
    ['application/dtmf-relay', 'Signal=55'],
    ['application/dtmf', ''],
    ['application/dtmf', '12'],
    ['text/plain', '5'],
    [undefined, '5'],
    ['application/dtmf', `5${' '.repeat(300)}`],
  ])('refuses %s %j', (type, body) => {
    expect(parseDtmfInfo(type, body)).toBeNull();
  });
});

describe('SIP final answers → outcomes', () => {
  it.each([
    [486, false, 'busy'],
    [600, false, 'busy'],
    [603, false, 'declined'],
    [408, false, 'no_answer'],
    [480, false, 'no_answer'],
    [487, true, 'no_answer'],
    [487, false, 'failed'],
    [403, false, 'failed'],
    [404, false, 'failed'],
    [407, false, 'failed'],
    [500, false, 'failed'],
  ] as const)('%i (panel cancelled on timeout: %s) → %s', (status, timedOut, outcome) => {
    expect(outcomeForStatus(status, timedOut)).toBe(outcome);
  });
});
