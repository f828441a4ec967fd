/**
 * Ready-made DESFire cards for tests and benchmarks: a genuine card of a building (keys diversified as
 * lib/cards does, credential written), a clone (same UID, the application copied, even the credential,
 * but not the keys — which cannot be read out of a real card), a card of another building and a blank.
 * Built directly on the card's state, not through lib/cards' personalisation, so reading tests do not
 * depend on the code that writes cards.
 */
import { randomBytes } from 'node:crypto';
import { diversifyCardKey } from '../../lib/cards/an10922.ts';
import {
  APP_MASTER_KEY_NO,
  CREDENTIAL_FILE_NO,
  type DesfireEnrolmentProfile,
  encodeCredentialFile,
  READ_KEY_NO,
} from '../../lib/cards/card-profile.ts';
import { DesfireEv2Card } from './desfire-card.ts';

const hexBuffer = (hex: string): Buffer => Buffer.from(hex, 'hex');

/** Read right key 1, write/read-write/change with key 0 (the layout personaliseDesfire creates). */
const CREDENTIAL_RIGHTS =
  (READ_KEY_NO << 12) | (APP_MASTER_KEY_NO << 8) | (APP_MASTER_KEY_NO << 4) | APP_MASTER_KEY_NO;

export function genuineDesfireCard(
  uidHex: string,
  profile: DesfireEnrolmentProfile,
  credentialHex: string,
): DesfireEv2Card {
  const uid = hexBuffer(uidHex);
  const card = new DesfireEv2Card(uid);
  const identity = { uid, aid: profile.aid, systemIdentifier: profile.systemIdentifier };
  const app = card.addApplication(
    profile.aid,
    [diversifyCardKey(profile.appMasterKey, identity), diversifyCardKey(profile.readMasterKey, identity)],
    0x0b,
    profile.keyVersion ?? 1,
  );
  app.files.set(CREDENTIAL_FILE_NO, {
    mode: profile.commMode,
    rights: CREDENTIAL_RIGHTS,
    data: encodeCredentialFile(hexBuffer(credentialHex)),
  });
  return card;
}

/** Same UID, same application and file content, keys the cloner chose (they cannot copy ours). */
export function cloneDesfireCard(
  uidHex: string,
  profile: DesfireEnrolmentProfile,
  credentialHex: string,
): DesfireEv2Card {
  const card = new DesfireEv2Card(hexBuffer(uidHex));
  const app = card.addApplication(profile.aid, [randomBytes(16), randomBytes(16)]);
  app.files.set(CREDENTIAL_FILE_NO, {
    mode: profile.commMode,
    rights: CREDENTIAL_RIGHTS,
    data: encodeCredentialFile(hexBuffer(credentialHex)),
  });
  return card;
}

export function blankDesfireCard(uidHex: string): DesfireEv2Card {
  return new DesfireEv2Card(hexBuffer(uidHex));
}
