/** Wires the reader driver to the access path and records reader health in the audit log. */

import type { CardReaderDriver } from '../../hal/reader/types.ts';
import { errorMessage } from '../../lib/errors.ts';
import type { Logger } from '../../lib/log/logger.ts';
import type { AuditLog, AuditPayloads } from '../audit/types.ts';
import type { CardTaps } from './card-taps.ts';

export function watchReaders(
  readers: CardReaderDriver,
  deps: { taps: CardTaps; audit: AuditLog; logger: Logger },
): () => void {
  const { taps, audit, logger } = deps;
  const record = <T extends 'reader.attached' | 'reader.detached' | 'reader.error'>(
    type: T,
    data: AuditPayloads[T],
  ) => {
    try {
      audit.append({ type, readerId: data.reader ? taps.readerIdFor(data.reader) : undefined, data });
    } catch (err) {
      logger.error({ err: errorMessage(err) }, 'could not record reader event');
    }
  };
  const offs = [
    readers.on('card', (card) => {
      try {
        taps.handleCard(card);
      } catch (err) {
        // A store failure must not kill the reader loop; the door stays locked because nothing was decided.
        logger.error(
          { err: errorMessage(err), reader: card.reader },
          'card could not be decided; door stays locked',
        );
      }
    }),
    readers.on('reader.attached', ({ reader }) => {
      logger.info({ reader }, 'reader attached');
      record('reader.attached', { reader });
    }),
    readers.on('reader.detached', ({ reader }) => {
      logger.warn({ reader }, 'reader detached');
      record('reader.detached', { reader });
    }),
    readers.on('error', ({ reader, error }) => {
      logger.warn({ reader, err: error.message }, 'reader error');
      record('reader.error', { reader, message: error.message });
    }),
  ];
  return () => {
    for (const off of offs) off();
  };
}
