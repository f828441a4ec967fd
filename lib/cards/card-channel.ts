/**
 * The one way card code talks to a card: send a command APDU, get the response APDU (data ‖ SW1 SW2).
 * A PC/SC reader (pass-through), an OSDP transparent channel or an in-process virtual chip can all
 * implement it. Implementations bound the response length and time out; a failure rejects.
 */
export interface CardChannel {
  transmit(apdu: Buffer): Promise<Buffer>;
}

/** PC/SC part 3 GET DATA, P1=00: the UID the reader saw in anticollision. */
export const GET_DATA_UID: Buffer = Buffer.from([0xff, 0xca, 0x00, 0x00, 0x00]);

/** A card-level protocol failure: the card answered, but not as the protocol allows. */
export class CardProtocolError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CardProtocolError';
  }
}

/** Reads the UID with GET DATA; only 4, 7 or 10 byte UIDs are accepted (the ISO 14443-3 sizes). */
export async function readUid(channel: CardChannel): Promise<Buffer> {
  const response = await channel.transmit(GET_DATA_UID);
  if (response.length < 2) throw new CardProtocolError('GET DATA answered less than a status word');
  const sw = response.readUInt16BE(response.length - 2);
  if (sw !== 0x9000) throw new CardProtocolError(`GET DATA failed with status ${sw.toString(16)}`);
  const uid = response.subarray(0, -2);
  if (![4, 7, 10].includes(uid.length))
    throw new CardProtocolError(`GET DATA returned a ${uid.length}-byte UID`);
  return Buffer.from(uid);
}
