/**
 * Re-keys a building's DESFire card from one key version to the next (key rotation), at an enrolment
 * station that holds both the old and the new masters: authenticate with the old application master key,
 * change key 1 (proving the old read key through the XOR cryptogram), then key 0, and read the card
 * back with the new profile. The credential stays. Panels keep the old read master in
 * `previousReadKeys` until every card has come by; then it is deleted everywhere.
 */
import { diversifyCardKey } from './an10922.ts';
import { type CardChannel, readUid } from './card-channel.ts';
import {
  APP_MASTER_KEY_NO,
  type DesfireEnrolmentProfile,
  profileProblem,
  READ_KEY_NO,
} from './card-profile.ts';
import { changeKey, selectApplication } from './desfire/commands.ts';
import { authenticateEv2First, CardAuthenticationError } from './desfire/ev2-session.ts';
import { DesfireStatus, DesfireStatusError } from './desfire/native-apdu.ts';
import { readSecureCredential } from './secure-credential.ts';

export type RotateResult =
  | { ok: true; uid: string; outcome: 'rotated' | 'already_rotated' }
  | {
      ok: false;
      uid?: string;
      reason: 'card_not_authentic' | 'no_application' | 'card_error' | 'invalid_request';
      detail: string;
    };

export async function rotateDesfireKeys(
  channel: CardChannel,
  from: DesfireEnrolmentProfile,
  to: DesfireEnrolmentProfile,
): Promise<RotateResult> {
  const problem = profileProblem(from) ?? profileProblem(to);
  if (problem || from.aid !== to.aid || (from.keyVersion ?? 1) === (to.keyVersion ?? 1)) {
    return {
      ok: false,
      reason: 'invalid_request',
      detail: problem ?? 'rotation keeps the AID and changes the key version',
    };
  }
  let uid: Buffer | undefined;
  try {
    uid = await readUid(channel);
    const uidHex = uid.toString('hex').toUpperCase();
    if ((await readSecureCredential(channel, { ...to, previousReadKeys: [] })).ok) {
      return { ok: true, uid: uidHex, outcome: 'already_rotated' };
    }
    const identity = { uid, aid: from.aid, systemIdentifier: from.systemIdentifier };
    const identityTo = { ...identity, systemIdentifier: to.systemIdentifier };
    const selected = await selectApplication(channel, from.aid);
    if (selected === DesfireStatus.APPLICATION_NOT_FOUND) {
      return {
        ok: false,
        uid: uidHex,
        reason: 'no_application',
        detail: "the building's application is not on the card",
      };
    }
    const session = await authenticateEv2First(
      channel,
      APP_MASTER_KEY_NO,
      diversifyCardKey(from.appMasterKey, identity),
    );
    const version = to.keyVersion ?? 1;
    await changeKey(
      session,
      READ_KEY_NO,
      diversifyCardKey(to.readMasterKey, identityTo),
      diversifyCardKey(from.readMasterKey, identity),
      version,
    );
    await changeKey(
      session,
      APP_MASTER_KEY_NO,
      diversifyCardKey(to.appMasterKey, identityTo),
      Buffer.alloc(16),
      version,
    );
    const check = await readSecureCredential(channel, { ...to, previousReadKeys: [] });
    if (!check.ok) throw new Error(`the re-keyed card does not read back (${check.reason})`);
    return { ok: true, uid: uidHex, outcome: 'rotated' };
  } catch (err) {
    const detail = err instanceof Error ? err.message : String(err);
    const notAuthentic =
      err instanceof CardAuthenticationError ||
      (err instanceof DesfireStatusError && err.status === DesfireStatus.AUTHENTICATION_ERROR);
    const reason = notAuthentic ? ('card_not_authentic' as const) : ('card_error' as const);
    return uid
      ? { ok: false, uid: uid.toString('hex').toUpperCase(), reason, detail }
      : { ok: false, reason, detail };
  }
}
