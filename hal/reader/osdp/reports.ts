/**
 * What an online reader's reply means for the panel: card reads, keypad keys and local status become
 * events; anything malformed becomes an error event, never an exception on the poll loop.
 */
import { ValidationError } from '../../../lib/errors.ts';
import { OsdpReply } from '../../../lib/osdp/codes.ts';
import { decodeKeypad, decodeLocalStatus, decodeRawCard } from '../../../lib/osdp/messages.ts';
import type { CardReaderEvents } from '../types.ts';

export type EmitReaderEvent = <K extends keyof CardReaderEvents>(
  event: K,
  payload: CardReaderEvents[K],
) => void;

export interface ReportContext {
  reader: string;
  now: number;
  secureLink: boolean;
  emit: EmitReaderEvent;
  /** Last tamper/power state reported, so only changes become events. */
  status: { tamper?: boolean; powerFailure?: boolean };
}

/** Emits the events a reply carries; returns the error when its data was malformed (nothing emitted). */
export function dispatchReport(code: number, data: Buffer, ctx: ReportContext): ValidationError | undefined {
  const { reader, emit } = ctx;
  try {
    switch (code) {
      case OsdpReply.RAW: {
        const card = decodeRawCard(data);
        if (card.data.every((b) => b === 0)) throw new Error('card data is all zeros (a failed read)');
        const uid = card.data.toString('hex').toUpperCase();
        emit('card', { uid, atr: '', reader, at: ctx.now, bits: card.bits, secureLink: ctx.secureLink });
        // OSDP reports a read, not a card lying on the reader: it is gone again at once.
        emit('card.removed', { reader });
        return undefined;
      }
      case OsdpReply.KEYPPAD: {
        const { keys } = decodeKeypad(data);
        if (keys.length > 0) emit('keypad', { reader, keys, at: ctx.now });
        return undefined;
      }
      case OsdpReply.LSTATR: {
        const status = decodeLocalStatus(data);
        // Unknown at first: the normal state is not news, a reader that starts tampered is.
        if (status.tamper !== (ctx.status.tamper ?? false))
          emit('reader.tamper', { reader, tamper: status.tamper });
        if (status.powerFailure !== (ctx.status.powerFailure ?? false))
          emit('reader.power', { reader, powerFailure: status.powerFailure });
        ctx.status.tamper = status.tamper;
        ctx.status.powerFailure = status.powerFailure;
        return undefined;
      }
      default:
        return undefined;
    }
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    return new ValidationError(`reader "${reader}" sent a malformed report: ${message}`);
  }
}
