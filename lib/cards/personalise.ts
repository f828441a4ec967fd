/**
 * Personalises a DESFire EV2/EV3 card for a building (enrolment): from a factory-fresh card (PICC with
 * free application creation), create the building's AES application (2 keys), authenticate with the
 * default key 0, create the credential file (read: key 1; write, change: key 0), write the credential,
 * change key 1 then key 0 to their AN10922-diversified values, and read the card back as a door would.
 *
 * Idempotent where it is safe: a card already holding this credential is reported as such; a card whose
 * enrolment stopped half-way (application created, keys still default) is finished. Refused: a card whose
 * application (same AID) answers to neither our keys nor the default key, a card carrying any other
 * application unless the caller allows sharing, and a card whose PICC does not allow creating one.
 */
import { diversifyCardKey } from './an10922.ts';
import { type CardChannel, readUid } from './card-channel.ts';
import {
  APP_MASTER_KEY_NO,
  CREDENTIAL_FILE_NO,
  CREDENTIAL_FILE_SIZE,
  type DesfireEnrolmentProfile,
  encodeCredentialFile,
  profileProblem,
  READ_KEY_NO,
} from './card-profile.ts';
import {
  changeKey,
  createApplication,
  createStdDataFile,
  DESFIRE_EV2_MAJOR,
  DESFIRE_HARDWARE_TYPE,
  getApplicationIds,
  getVersion,
  PICC_AID,
  selectApplication,
  writeData,
} from './desfire/commands.ts';
import { authenticateEv2First, CardAuthenticationError, type Ev2Session } from './desfire/ev2-session.ts';
import { DesfireStatus, DesfireStatusError } from './desfire/native-apdu.ts';
import { readSecureCredential } from './secure-credential.ts';

/** Application key settings: keys changed with key 0, config changeable, create/delete needs key 0, free listing. */
const APP_KEY_SETTINGS = 0x0b;
const DEFAULT_KEY = Buffer.alloc(16);

export type PersonaliseResult =
  | { ok: true; uid: string; outcome: 'personalised' | 'already_personalised' }
  | {
      ok: false;
      uid?: string;
      reason:
        | 'belongs_elsewhere'
        | 'already_enrolled'
        | 'not_blank'
        | 'random_uid'
        | 'unsupported_card'
        | 'card_error'
        | 'invalid_request';
      detail: string;
    };

export interface PersonaliseOptions {
  /** Allow a card that already carries other applications (a shared campus card). Default false. */
  allowOtherApplications?: boolean;
}

export async function personaliseDesfire(
  channel: CardChannel,
  profile: DesfireEnrolmentProfile,
  credential: Buffer,
  options: PersonaliseOptions = {},
): Promise<PersonaliseResult> {
  let file: Buffer;
  const problem = profileProblem(profile);
  try {
    if (problem) throw new RangeError(problem);
    file = encodeCredentialFile(credential);
  } catch (err) {
    return { ok: false, reason: 'invalid_request', detail: message(err) };
  }
  let uid: Buffer | undefined;
  try {
    uid = await readUid(channel);
    return await personalise(channel, profile, uid, file, credential, options);
  } catch (err) {
    const result: PersonaliseResult = { ok: false, reason: 'card_error', detail: message(err) };
    return uid ? { ...result, uid: hex(uid) } : result;
  }
}

async function personalise(
  channel: CardChannel,
  profile: DesfireEnrolmentProfile,
  uid: Buffer,
  file: Buffer,
  credential: Buffer,
  options: PersonaliseOptions,
): Promise<PersonaliseResult> {
  const uidHex = hex(uid);
  // A random-ID card (ISO 14443-3: 4-byte UIDs starting 08) shows another UID at every tap, and the keys
  // are derived from the UID: such a card would never read back at a door.
  if (uid.length === 4 && uid[0] === 0x08) {
    return { ok: false, uid: uidHex, reason: 'random_uid', detail: 'the card shows a random UID' };
  }
  const identity = { uid, aid: profile.aid, systemIdentifier: profile.systemIdentifier };
  const masterKey = diversifyCardKey(profile.appMasterKey, identity);
  const readKey = diversifyCardKey(profile.readMasterKey, identity);
  const refuse = (
    reason: 'belongs_elsewhere' | 'already_enrolled' | 'not_blank',
    detail: string,
  ): PersonaliseResult => ({
    ok: false,
    uid: uidHex,
    reason,
    detail,
  });

  // EV1 and older lack AuthenticateEV2First; they would fail later with a less helpful error.
  const hardware = await getVersion(channel);
  if (hardware.hardwareType !== DESFIRE_HARDWARE_TYPE || hardware.hardwareMajor < DESFIRE_EV2_MAJOR) {
    const detail = `hardware type ${hardware.hardwareType}, version ${hardware.hardwareMajor}: DESFire EV2 or later needed`;
    return { ok: false, uid: uidHex, reason: 'unsupported_card', detail };
  }
  if ((await selectApplication(channel, PICC_AID)) !== DesfireStatus.OK)
    throw new Error('the card refused to select its PICC level');
  const aids = await getApplicationIds(channel);
  const others = aids.filter((aid) => aid !== profile.aid);
  if (others.length > 0 && !options.allowOtherApplications) {
    return refuse(
      'belongs_elsewhere',
      `the card carries other applications (${others.map((a) => a.toString(16)).join(', ')})`,
    );
  }

  let session: Ev2Session | undefined;
  if (aids.includes(profile.aid)) {
    if (await authenticates(channel, profile.aid, APP_MASTER_KEY_NO, masterKey)) {
      // Ours, keys already changed: done before (or by another enrolment of this building).
      const existing = await readSecureCredential(channel, profile);
      if (existing.ok && existing.credential === hex(credential))
        return { ok: true, uid: uidHex, outcome: 'already_personalised' };
      return refuse('already_enrolled', 'the card already holds another credential of this building');
    }
    session = await authenticates(channel, profile.aid, APP_MASTER_KEY_NO, DEFAULT_KEY);
    if (!session)
      return refuse('belongs_elsewhere', "the building's application exists with keys we do not hold");
  } else {
    const created = await createApplication(channel, {
      aid: profile.aid,
      keySettings: APP_KEY_SETTINGS,
      keyCount: 2,
    });
    if (created === DesfireStatus.PERMISSION_DENIED || created === DesfireStatus.AUTHENTICATION_ERROR) {
      return refuse(
        'not_blank',
        'the card does not allow creating an application without its PICC master key',
      );
    }
    if (created !== DesfireStatus.OK) throw new DesfireStatusError(0xca, created);
    session = await authenticates(channel, profile.aid, APP_MASTER_KEY_NO, DEFAULT_KEY);
    if (!session) throw new Error('the new application refused its default key');
  }

  try {
    await createStdDataFile(session, {
      fileNo: CREDENTIAL_FILE_NO,
      mode: profile.commMode,
      rights: {
        read: READ_KEY_NO,
        write: APP_MASTER_KEY_NO,
        readWrite: APP_MASTER_KEY_NO,
        change: APP_MASTER_KEY_NO,
      },
      size: CREDENTIAL_FILE_SIZE,
    });
  } catch (err) {
    // Left by an interrupted enrolment: the error ended the session, so authenticate again.
    if (!(err instanceof DesfireStatusError && err.status === DesfireStatus.DUPLICATE_ERROR)) throw err;
    session = await authenticates(channel, profile.aid, APP_MASTER_KEY_NO, DEFAULT_KEY);
    if (!session) throw new Error('the application stopped accepting its default key');
  }
  await writeData(session, CREDENTIAL_FILE_NO, 0, file, profile.commMode);
  const version = profile.keyVersion ?? 1;
  await changeKey(session, READ_KEY_NO, readKey, DEFAULT_KEY, version);
  await changeKey(session, APP_MASTER_KEY_NO, masterKey, DEFAULT_KEY, version);

  const check = await readSecureCredential(channel, profile);
  if (!check.ok || check.credential !== hex(credential)) {
    throw new Error(`the card does not read back (${check.ok ? 'another credential' : check.reason})`);
  }
  return { ok: true, uid: uidHex, outcome: 'personalised' };
}

/** Selects the application and tries one key; undefined when the card says "not this key". */
async function authenticates(
  channel: CardChannel,
  aid: number,
  keyNo: number,
  key: Buffer,
): Promise<Ev2Session | undefined> {
  if ((await selectApplication(channel, aid)) !== DesfireStatus.OK)
    throw new Error('the application cannot be selected');
  try {
    return await authenticateEv2First(channel, keyNo, key);
  } catch (err) {
    if (err instanceof CardAuthenticationError) return undefined;
    if (err instanceof DesfireStatusError && err.status === DesfireStatus.AUTHENTICATION_ERROR)
      return undefined;
    throw err;
  }
}

function hex(bytes: Buffer): string {
  return bytes.toString('hex').toUpperCase();
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
