/** OSDP v2.2 command and reply codes (§6, §7) and NAK reasons (§7.3) that portvakt speaks. */

export const OsdpCommand = {
  POLL: 0x60,
  ID: 0x61,
  CAP: 0x62,
  LSTAT: 0x64,
  LED: 0x69,
  BUZ: 0x6a,
  COMSET: 0x6e,
  KEYSET: 0x75,
  CHLNG: 0x76,
  SCRYPT: 0x77,
} as const;

export const OsdpReply = {
  ACK: 0x40,
  NAK: 0x41,
  PDID: 0x45,
  PDCAP: 0x46,
  LSTATR: 0x48,
  RAW: 0x50,
  KEYPPAD: 0x53,
  COM: 0x54,
  CCRYPT: 0x76,
  RMAC_I: 0x78,
  BUSY: 0x79,
} as const;

export const OsdpNakReason = {
  CHECK_CHARACTER: 0x01,
  COMMAND_LENGTH: 0x02,
  UNKNOWN_COMMAND: 0x03,
  UNEXPECTED_SEQUENCE: 0x04,
  SECURITY_NOT_SUPPORTED: 0x05,
  /** Encrypted communication required, or a secure-channel condition not met. */
  SECURITY_CONDITION: 0x06,
  BIO_TYPE: 0x07,
  BIO_FORMAT: 0x08,
  UNABLE_TO_PROCESS: 0x09,
} as const;

/** Security Control Block types (Annex D). */
export const OsdpScbType = {
  CHLNG: 0x11,
  CCRYPT: 0x12,
  SCRYPT: 0x13,
  RMAC_I: 0x14,
  /** Command, MAC, clear data. */
  CMD_MAC: 0x15,
  REPLY_MAC: 0x16,
  /** Command, MAC, encrypted data. */
  CMD_ENC: 0x17,
  REPLY_ENC: 0x18,
} as const;

export function commandName(code: number): string {
  return nameOf(OsdpCommand, code);
}

export function replyName(code: number): string {
  return nameOf(OsdpReply, code);
}

function nameOf(table: Record<string, number>, code: number): string {
  return Object.entries(table).find(([, v]) => v === code)?.[0] ?? `0x${code.toString(16).padStart(2, '0')}`;
}
