/**
 * MIFARE Classic 1K as a PC/SC contactless reader exposes it (PC/SC part 3 pseudo-APDUs, class FF):
 * GET DATA (FF CA), LOAD KEY (FF 82), GENERAL AUTHENTICATE (FF 86, and the obsolete FF 88),
 * READ BINARY (FF B0), UPDATE BINARY (FF D6). Used by VirtualCard; enough fidelity for driver tests,
 * not a crypto-1 emulation. Writing a sector trailer changes the sector's keys; access bits are not enforced.
 */
export const SECTORS = 16;
export const BLOCKS_PER_SECTOR = 4;
export const BLOCK_SIZE = 16;
export const DEFAULT_KEY = 'FFFFFFFFFFFF';
const KEY_TYPE_A = 0x60;
const KEY_TYPE_B = 0x61;
/** Transport configuration access bits: key A authenticates everything, key B is readable data. */
const ACCESS_BITS = Buffer.from('FF078069', 'hex');

export interface MifareOptions {
  /** Sector keys (hex, 6 bytes); sectors not listed use FFFFFFFFFFFF for both keys. */
  keys?: Record<number, { a?: string; b?: string }>;
  /** Initial block contents by absolute block number (hex, 16 bytes). */
  blocks?: Record<number, string>;
}

const sw = (value: number): Buffer => Buffer.from([value >> 8, value & 0xff]);
const OK = 0x9000;

export class MifareClassic1k {
  readonly #uid: Buffer;
  readonly #memory = Buffer.alloc(SECTORS * BLOCKS_PER_SECTOR * BLOCK_SIZE);
  readonly #keys: { a: Buffer; b: Buffer }[] = [];
  /** The reader's volatile key slots (LOAD KEY), survive card power cycles. */
  readonly #keySlots = new Map<number, Buffer>();
  #authenticatedSector: number | undefined;

  constructor(uid: Buffer, options: MifareOptions = {}) {
    this.#uid = uid;
    for (let s = 0; s < SECTORS; s++) {
      const k = options.keys?.[s];
      this.#keys.push({
        a: Buffer.from(k?.a ?? DEFAULT_KEY, 'hex'),
        b: Buffer.from(k?.b ?? DEFAULT_KEY, 'hex'),
      });
      const trailer = Buffer.concat([this.#keys[s]!.a, ACCESS_BITS, this.#keys[s]!.b]);
      trailer.copy(this.#memory, (s * BLOCKS_PER_SECTOR + 3) * BLOCK_SIZE);
    }
    this.#manufacturerBlock().copy(this.#memory, 0);
    for (const [block, data] of Object.entries(options.blocks ?? {})) {
      Buffer.from(data, 'hex').copy(this.#memory, Number(block) * BLOCK_SIZE, 0, BLOCK_SIZE);
    }
  }

  powerOff(): void {
    this.#authenticatedSector = undefined;
  }

  apdu(apdu: Buffer): Buffer {
    if (apdu.length < 4) return sw(0x6700);
    if (apdu[0] !== 0xff) return sw(0x6e00);
    const [, ins, p1 = 0, p2 = 0] = apdu;
    switch (ins) {
      case 0xca:
        return p1 === 0 ? Buffer.concat([this.#uid, sw(OK)]) : sw(0x6b00);
      case 0x82:
        return this.#loadKey(p2, apdu.subarray(5));
      case 0x86: {
        const data = apdu.subarray(5);
        if (apdu[4] !== 5 || data.length !== 5 || data[0] !== 0x01) return sw(0x6700);
        return this.#authenticate(data[2]!, data[3]!, data[4]!);
      }
      case 0x88:
        return this.#authenticate(p2, p1 === 0 ? (apdu[4] ?? 0) : -1, apdu[5] ?? -1);
      case 0xb0:
        return this.#read((p1 << 8) | p2, apdu[4] ?? 0);
      case 0xd6:
        return this.#update((p1 << 8) | p2, apdu.subarray(5));
      default:
        return sw(0x6d00);
    }
  }

  #loadKey(slot: number, key: Buffer): Buffer {
    if (slot > 1 || key.length !== 6) return sw(0x6300);
    this.#keySlots.set(slot, Buffer.from(key));
    return sw(OK);
  }

  #authenticate(block: number, keyType: number, slot: number): Buffer {
    this.#authenticatedSector = undefined;
    const sector = Math.floor(block / BLOCKS_PER_SECTOR);
    const key = this.#keySlots.get(slot);
    const sectorKeys = this.#keys[sector];
    if (!key || !sectorKeys || (keyType !== KEY_TYPE_A && keyType !== KEY_TYPE_B)) return sw(0x6300);
    if (!key.equals(keyType === KEY_TYPE_A ? sectorKeys.a : sectorKeys.b)) return sw(0x6300);
    this.#authenticatedSector = sector;
    return sw(OK);
  }

  #read(block: number, length: number): Buffer {
    const check = this.#checkAccess(block);
    if (check) return check;
    const wanted = length === 0 ? BLOCK_SIZE : Math.min(length, BLOCK_SIZE);
    const data = Buffer.from(this.#memory.subarray(block * BLOCK_SIZE, block * BLOCK_SIZE + wanted));
    // Key A never reads back from a sector trailer.
    if (block % BLOCKS_PER_SECTOR === 3) data.fill(0, 0, Math.min(6, wanted));
    return Buffer.concat([data, sw(OK)]);
  }

  #update(block: number, data: Buffer): Buffer {
    const check = this.#checkAccess(block);
    if (check) return check;
    if (data.length !== BLOCK_SIZE) return sw(0x6700);
    if (block === 0) return sw(0x6986);
    data.copy(this.#memory, block * BLOCK_SIZE);
    // A written sector trailer re-keys the sector (from the next authentication, as on a real card).
    if (block % BLOCKS_PER_SECTOR === 3) {
      this.#keys[Math.floor(block / BLOCKS_PER_SECTOR)] = {
        a: Buffer.from(data.subarray(0, 6)),
        b: Buffer.from(data.subarray(10, 16)),
      };
    }
    return sw(OK);
  }

  #checkAccess(block: number): Buffer | undefined {
    if (block >= SECTORS * BLOCKS_PER_SECTOR) return sw(0x6a82);
    if (this.#authenticatedSector !== Math.floor(block / BLOCKS_PER_SECTOR)) return sw(0x6982);
    return undefined;
  }

  /** Block 0: UID, BCC (for 4-byte UIDs), SAK, ATQA, manufacturer data. */
  #manufacturerBlock(): Buffer {
    const block = Buffer.alloc(BLOCK_SIZE);
    this.#uid.copy(block, 0, 0, Math.min(this.#uid.length, 10));
    if (this.#uid.length === 4) {
      block[4] = this.#uid.reduce((x, b) => x ^ b, 0);
      block[5] = 0x08;
      block[6] = 0x04;
    }
    return block;
  }
}
