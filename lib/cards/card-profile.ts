/**
 * The key material and layout of a building's secure cards. Secret fields are marked: they live in
 * 0600 files on the hub and, for the read key only, on the panels (see docs/secure-cards.md); they never
 * go to logs or to any API answer.
 */
import type { CommMode } from './desfire/ev2-session.ts';

/** What a panel needs to check a DESFire card of its building. */
export interface DesfireReadProfile {
  /** The building's DESFire application id (24 bit, not 000000). */
  aid: number;
  /** The building's system identifier, part of every diversification input (1..18 bytes). */
  systemIdentifier: Buffer;
  /** SECRET. AN10922 master of the application's read key (key 1); on every panel of the building. */
  readMasterKey: Buffer;
  /** The credential file's communication mode: full (encrypted + MAC, default) or mac. */
  commMode: Exclude<CommMode, 'plain'>;
  /** Version of the current masters, written into the card's keys at enrolment (1..255; default 1). */
  keyVersion?: number;
  /**
   * SECRET. Read masters of earlier key versions, kept during a rotation so cards not yet re-keyed
   * still open (the card's GetKeyVersion picks the master). Empty outside a rotation.
   */
  previousReadKeys?: readonly { version: number; readMasterKey: Buffer }[];
}

/** What an enrolment station (a panel in enrol mode, or the desktop enroller) needs besides that. */
export interface DesfireEnrolmentProfile extends DesfireReadProfile {
  /**
   * SECRET. AN10922 master of the application master key (key 0), which creates files, writes the
   * credential and changes keys. Held by the enrolment station only, never by door panels, so a stolen
   * panel can read cards but cannot write or re-key them.
   */
  appMasterKey: Buffer;
}

export const APP_MASTER_KEY_NO = 0;
export const READ_KEY_NO = 1;
export const CREDENTIAL_FILE_NO = 1;
export const CREDENTIAL_FILE_SIZE = 32;
/** Format byte ‖ length byte ‖ credential: at most 30 credential bytes. */
export const MAX_CREDENTIAL_LENGTH = CREDENTIAL_FILE_SIZE - 2;
const CREDENTIAL_FORMAT = 0x01;
/** UID (≤ 10) + AID (3) + system identifier must fit AN10922's 31 bytes. */
export const MAX_SYSTEM_IDENTIFIER = 18;

/** Refuses a profile that would derive weak or colliding keys; returns the reason, or undefined. */
export function profileProblem(profile: DesfireReadProfile | DesfireEnrolmentProfile): string | undefined {
  if (!Number.isInteger(profile.aid) || profile.aid <= 0 || profile.aid > 0xffffff)
    return 'aid must be 000001..FFFFFF';
  const { length } = profile.systemIdentifier;
  if (length < 1 || length > MAX_SYSTEM_IDENTIFIER)
    return `systemIdentifier must be 1..${MAX_SYSTEM_IDENTIFIER} bytes`;
  if (profile.readMasterKey.length !== 16) return 'readMasterKey must be 16 bytes';
  const version = profile.keyVersion ?? 1;
  if (!Number.isInteger(version) || version < 1 || version > 255) return 'keyVersion must be 1..255';
  for (const old of profile.previousReadKeys ?? []) {
    if (old.readMasterKey.length !== 16) return 'previousReadKeys masters must be 16 bytes';
    if (old.version === version) return 'previousReadKeys must not repeat the current keyVersion';
  }
  if ('appMasterKey' in profile) {
    if (profile.appMasterKey.length !== 16) return 'appMasterKey must be 16 bytes';
    if (profile.appMasterKey.equals(profile.readMasterKey))
      return 'appMasterKey and readMasterKey must differ';
  }
  return undefined;
}

/** The credential file's content: format ‖ length ‖ credential ‖ zero fill. */
export function encodeCredentialFile(credential: Buffer): Buffer {
  if (credential.length < 1 || credential.length > MAX_CREDENTIAL_LENGTH) {
    throw new RangeError(`a credential is 1..${MAX_CREDENTIAL_LENGTH} bytes, got ${credential.length}`);
  }
  const file = Buffer.alloc(CREDENTIAL_FILE_SIZE);
  file[0] = CREDENTIAL_FORMAT;
  file[1] = credential.length;
  credential.copy(file, 2);
  return file;
}

/** The credential, or undefined when the bytes are not a credential file of this format. */
export function decodeCredentialFile(file: Buffer): Buffer | undefined {
  if (file.length < 2 || file[0] !== CREDENTIAL_FORMAT) return undefined;
  const length = file[1]!;
  if (length < 1 || length > MAX_CREDENTIAL_LENGTH || 2 + length > file.length) return undefined;
  return Buffer.from(file.subarray(2, 2 + length));
}
