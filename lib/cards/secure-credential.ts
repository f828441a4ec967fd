/**
 * Reads a building's credential from a DESFire EV2/EV3 card and proves the card genuine on the way:
 * select the building's application, AuthenticateEV2First with the read key diversified for this UID
 * (AN10922), read the credential file with its MAC checked (and decrypted in full mode).
 *
 * Never throws for anything the card says: card data is attacker-controlled, so every answer is bounded
 * and every failure becomes a typed refusal the access path can audit.
 */
import { diversifyCardKey } from './an10922.ts';
import { type CardChannel, readUid } from './card-channel.ts';
import {
  CREDENTIAL_FILE_NO,
  CREDENTIAL_FILE_SIZE,
  type DesfireReadProfile,
  decodeCredentialFile,
  READ_KEY_NO,
} from './card-profile.ts';
import { getKeyVersion, readData, selectApplication } from './desfire/commands.ts';
import { authenticateEv2First, CardAuthenticationError, type RandomSource } from './desfire/ev2-session.ts';
import { DesfireStatus, DesfireStatusError } from './desfire/native-apdu.ts';

export type SecureCardRefusal = 'card_not_authentic' | 'no_application' | 'card_error';

export type SecureReadResult =
  | { ok: true; uid: string; credential: string }
  | { ok: false; reason: SecureCardRefusal; uid?: string; detail: string };

/** Statuses by which a card says "not with that key": as good as failing the challenge. */
const KEY_REFUSALS: ReadonlySet<number> = new Set([
  DesfireStatus.AUTHENTICATION_ERROR,
  DesfireStatus.PERMISSION_DENIED,
  DesfireStatus.NO_SUCH_KEY,
  DesfireStatus.INTEGRITY_ERROR,
]);

export async function readSecureCredential(
  channel: CardChannel,
  profile: DesfireReadProfile,
  random?: RandomSource,
): Promise<SecureReadResult> {
  let uid: Buffer;
  try {
    uid = await readUid(channel);
  } catch (err) {
    return { ok: false, reason: 'card_error', detail: describe(err) };
  }
  const uidHex = uid.toString('hex').toUpperCase();
  const refuse = (reason: SecureCardRefusal, detail: string): SecureReadResult => ({
    ok: false,
    reason,
    uid: uidHex,
    detail,
  });
  try {
    const selected = await selectApplication(channel, profile.aid);
    if (selected === DesfireStatus.APPLICATION_NOT_FOUND) {
      return refuse('no_application', "the building's application is not on the card");
    }
    if (selected !== DesfireStatus.OK)
      return refuse('card_error', `SelectApplication answered 91${hex(selected)}`);
  } catch (err) {
    return refuse('card_error', describe(err));
  }
  try {
    const master = await readMasterFor(channel, profile);
    if (!master)
      return refuse('card_not_authentic', 'the card names a key version this building does not hold');
    const key = diversifyCardKey(master, {
      uid,
      aid: profile.aid,
      systemIdentifier: profile.systemIdentifier,
    });
    const session = await authenticateEv2First(channel, READ_KEY_NO, key, random);
    const file = await readData(session, CREDENTIAL_FILE_NO, 0, CREDENTIAL_FILE_SIZE, profile.commMode);
    const credential = decodeCredentialFile(file);
    if (!credential) return refuse('card_error', 'the credential file is not in the expected format');
    return { ok: true, uid: uidHex, credential: credential.toString('hex').toUpperCase() };
  } catch (err) {
    if (err instanceof CardAuthenticationError) return refuse('card_not_authentic', err.message);
    if (err instanceof DesfireStatusError && KEY_REFUSALS.has(err.status)) {
      return refuse('card_not_authentic', err.message);
    }
    return refuse('card_error', describe(err));
  }
}

/**
 * The read master for this card. Outside a rotation there is one and no extra round trip; during one,
 * the card's GetKeyVersion says which master its key 1 was derived from. A lying card only picks which
 * of our masters fails its challenge.
 */
async function readMasterFor(channel: CardChannel, profile: DesfireReadProfile): Promise<Buffer | undefined> {
  const previous = profile.previousReadKeys ?? [];
  if (previous.length === 0) return profile.readMasterKey;
  const version = await getKeyVersion(channel, READ_KEY_NO);
  if (version === (profile.keyVersion ?? 1)) return profile.readMasterKey;
  return previous.find((old) => old.version === version)?.readMasterKey;
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function hex(byte: number): string {
  return byte.toString(16).toUpperCase().padStart(2, '0');
}
