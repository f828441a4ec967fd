/** Two buildings' key material for the card tests (fixed, so failures reproduce). */
import type { DesfireEnrolmentProfile } from '../../../lib/cards/card-profile.ts';

export const BUILDING_A: DesfireEnrolmentProfile = {
  aid: 0x50_56_01,
  systemIdentifier: Buffer.from('portvakt:A', 'ascii'),
  readMasterKey: Buffer.from('A1A1A1A1A1A1A1A1A1A1A1A1A1A1A1A1', 'hex'),
  appMasterKey: Buffer.from('A0A0A0A0A0A0A0A0A0A0A0A0A0A0A0A0', 'hex'),
  commMode: 'full',
};

export const BUILDING_B: DesfireEnrolmentProfile = {
  aid: 0x50_56_02,
  systemIdentifier: Buffer.from('portvakt:B', 'ascii'),
  readMasterKey: Buffer.from('B1B1B1B1B1B1B1B1B1B1B1B1B1B1B1B1', 'hex'),
  appMasterKey: Buffer.from('B0B0B0B0B0B0B0B0B0B0B0B0B0B0B0B0', 'hex'),
  commMode: 'full',
};

export const UID = '04A2B3C4D5E6F7';
export const CREDENTIAL = '0123456789ABCDEF0123456789ABCDEF';
