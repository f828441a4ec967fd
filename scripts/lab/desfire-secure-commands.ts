/**
 * The virtual DESFire card's commands that run inside an EV2 session (after its command MAC was checked
 * by desfire-card.ts): CreateStdDataFile, ReadData, WriteData, ChangeKey, with access rights and key
 * settings enforced as the datasheet describes. Returns a status code on refusal.
 */
import { aesCbcDecrypt, unpadIso9797M2, xor } from '../../lib/cards/aes.ts';
import { commandIv, crc32Desfire } from '../../lib/cards/desfire/ev2-crypto.ts';
import { type DesfireApplication, type DesfireFile, FileMode, S, type Session } from './desfire-state.ts';

export type SecureOutcome = number | 'session-ended' | { payload: Buffer; encrypt: boolean };

export function runSecureCommand(
  ins: number,
  body: Buffer,
  session: Session,
  app: DesfireApplication,
): SecureOutcome {
  const decrypt = (cipher: Buffer): Buffer | undefined => {
    if (cipher.length === 0 || cipher.length % 16 !== 0) return undefined;
    return unpadIso9797M2(
      aesCbcDecrypt(session.enc, commandIv(session.enc, session.ti, session.ctr), cipher),
    );
  };
  const empty = { payload: Buffer.alloc(0), encrypt: false };
  const allowed = (right: number): boolean => right === 0x0e || right === session.keyNo;
  if (ins === 0xcd) {
    if (body.length !== 7) return S.LENGTH_ERROR;
    if (session.keyNo !== 0 && !(app.keySettings & 0x04)) return S.PERMISSION_DENIED;
    const fileNo = body[0]!;
    if (app.files.has(fileNo)) return S.DUPLICATE_ERROR;
    const mode = FileMode[body[1]!];
    if (!mode || fileNo > 31) return S.PARAMETER_ERROR;
    const rights = body.readUInt16LE(2);
    app.files.set(fileNo, { mode, rights, data: Buffer.alloc(body.readUIntLE(4, 3)) });
    return empty;
  }
  if (ins === 0xbd || ins === 0x3d) {
    if (body.length < 7) return S.LENGTH_ERROR;
    const file: DesfireFile | undefined = app.files.get(body[0]!);
    if (!file) return S.FILE_NOT_FOUND;
    const offset = body.readUIntLE(1, 3);
    const length = body.readUIntLE(4, 3);
    const rw = (file.rights >> 4) & 0x0f;
    if (ins === 0xbd) {
      if (!allowed(file.rights >> 12) && !allowed(rw)) return S.PERMISSION_DENIED;
      const end = length === 0 ? file.data.length : offset + length;
      if (end > file.data.length || offset > end) return S.BOUNDARY_ERROR;
      return { payload: Buffer.from(file.data.subarray(offset, end)), encrypt: file.mode === 'full' };
    }
    if (!allowed((file.rights >> 8) & 0x0f) && !allowed(rw)) return S.PERMISSION_DENIED;
    const sent = body.subarray(7);
    const plain = file.mode === 'full' ? decrypt(sent) : sent;
    if (!plain || plain.length !== length) return S.LENGTH_ERROR;
    if (offset + length > file.data.length) return S.BOUNDARY_ERROR;
    plain.copy(file.data, offset);
    return empty;
  }
  // ChangeKey: the ChangeKey right (KeySett1 bits 7-4) 0 means "with the application master key".
  if (body.length < 2) return S.LENGTH_ERROR;
  const keyNo = body[0]!;
  const changer = app.keySettings >> 4;
  if (keyNo >= app.keys.length) return S.NO_SUCH_KEY;
  if (!(changer === session.keyNo || (changer === 0x0e && keyNo === session.keyNo)))
    return S.PERMISSION_DENIED;
  const plain = decrypt(body.subarray(1));
  if (!plain) return S.INTEGRITY_ERROR;
  if (keyNo === session.keyNo) {
    if (plain.length !== 17) return S.LENGTH_ERROR;
    app.keys[keyNo] = Buffer.from(plain.subarray(0, 16));
    app.versions[keyNo] = plain[16]!;
    return 'session-ended';
  }
  if (plain.length !== 21) return S.LENGTH_ERROR;
  const newKey = xor(plain.subarray(0, 16), app.keys[keyNo]!);
  if (!crc32Desfire(newKey).equals(plain.subarray(17, 21))) return S.INTEGRITY_ERROR;
  app.keys[keyNo] = newKey;
  app.versions[keyNo] = plain[16]!;
  return empty;
}
