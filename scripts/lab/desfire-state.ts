/** The virtual DESFire card's data model and status words (see desfire-card.ts). */
export interface DesfireFile {
  mode: 'plain' | 'mac' | 'full';
  /** Access rights word: Read ‖ Write ‖ ReadWrite ‖ Change nibbles, 0xE free, 0xF never. */
  rights: number;
  data: Buffer;
}

export interface DesfireApplication {
  keySettings: number;
  keys: Buffer[];
  /** Key versions, as ChangeKey set them (0 for factory keys). */
  versions: number[];
  files: Map<number, DesfireFile>;
}

export interface Session {
  keyNo: number;
  ti: Buffer;
  enc: Buffer;
  mac: Buffer;
  ctr: number;
}

export const FileMode: Record<number, DesfireFile['mode']> = { 0: 'plain', 1: 'mac', 3: 'full' };

export const S = {
  OK: 0x00,
  ILLEGAL_COMMAND: 0x1c,
  INTEGRITY_ERROR: 0x1e,
  NO_SUCH_KEY: 0x40,
  LENGTH_ERROR: 0x7e,
  PERMISSION_DENIED: 0x9d,
  PARAMETER_ERROR: 0x9e,
  APPLICATION_NOT_FOUND: 0xa0,
  AUTHENTICATION_ERROR: 0xae,
  ADDITIONAL_FRAME: 0xaf,
  BOUNDARY_ERROR: 0xbe,
  DUPLICATE_ERROR: 0xde,
  FILE_NOT_FOUND: 0xf0,
} as const;

export function status(code: number): Buffer {
  return Buffer.from([0x91, code]);
}
