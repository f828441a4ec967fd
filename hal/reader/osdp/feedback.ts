/** What grant and deny look like on an OSDP reader: a 3 s LED colour and a beep pattern. */
import { OsdpCommand } from '../../../lib/osdp/codes.ts';
import { encodeBuzzer, encodeLed, OsdpLedColor } from '../../../lib/osdp/messages.ts';
import type { ReaderFeedback } from '../types.ts';

export interface OsdpOutgoing {
  code: number;
  data: Buffer;
}

/** 100 ms units, as OSDP counts. */
const SHOW_FOR = 30;

export function feedbackCommands(signal: ReaderFeedback): OsdpOutgoing[] {
  const color = signal === 'grant' ? OsdpLedColor.GREEN : OsdpLedColor.RED;
  const led = encodeLed({
    reader: 0,
    led: 0,
    temporary: {
      onTime: SHOW_FOR,
      offTime: 0,
      onColor: color,
      offColor: OsdpLedColor.BLACK,
      timer: SHOW_FOR,
    },
  });
  // Grant: one short beep. Deny: three.
  const buzzer =
    signal === 'grant'
      ? encodeBuzzer({ reader: 0, tone: 2, onTime: 2, offTime: 0, count: 1 })
      : encodeBuzzer({ reader: 0, tone: 2, onTime: 1, offTime: 1, count: 3 });
  return [
    { code: OsdpCommand.LED, data: led },
    { code: OsdpCommand.BUZ, data: buzzer },
  ];
}
