/**
 * The demo resident's phone for a running simulator: baresip (scripts/lab/baresip-phone.ts) registered at
 * the simulator's SIP edge as the phone-only demo resident's number, answering by itself. What it hears is
 * recorded (baresip's sndfile module) and, once a call has ended, copied to
 * `<data dir>/phone/heard-<n>.wav` (8 kHz mono 16-bit: `aplay` plays it). The programmatic core of
 * `npm run -s phone` (phone.ts) and of the simulator's phone test.
 */
import { copyFileSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { errorMessage } from '../../lib/errors.ts';
import { type BaresipEvent, type BaresipPhone, silenceWav, startBaresipPhone } from '../lab/baresip-phone.ts';
import { type DemoPhoneAccount, readDemoPhoneAccount } from './sip.ts';

/**
 * What the phone sends: silence, longer than the simulator panel's longest call (intercom.phone.maxCallS,
 * default 120 s). baresip 1.0 hangs up when its source file ends.
 */
const SILENCE_S = 300;

export type DemoPhoneEvent =
  | { type: 'registered'; number: string }
  | { type: 'incoming'; from: string }
  | { type: 'answered' }
  | { type: 'ended'; reason: string; heard: string | undefined }
  | { type: 'digit'; digit: string };

export interface DemoPhone {
  readonly account: DemoPhoneAccount;
  readonly baresip: BaresipPhone;
  /** RFC 4733 during a call (baresip 1.0 sends no other kind). */
  sendDigit(digit: string): void;
  hangup(): void;
  /** WAVs of what it heard, one per ended call, oldest first. */
  heard(): readonly string[];
  /** Seconds of audio the current call has recorded so far (0 before a call's recording starts). */
  listenedS(): number;
  stop(): Promise<void>;
}

export async function startDemoPhone(options: {
  dataDir: string;
  onEvent?: (event: DemoPhoneEvent) => void;
}): Promise<DemoPhone> {
  const account = readDemoPhoneAccount(options.dataDir);
  const dir = join(options.dataDir, 'phone');
  const recordings = join(dir, 'recordings');
  mkdirSync(recordings, { recursive: true, mode: 0o700 });
  const silence = join(dir, 'silence.wav');
  writeFileSync(silence, silenceWav(SILENCE_S));
  const say = options.onEvent ?? (() => {});
  const heard: string[] = [];
  const calls = new Set<string>();
  const decoded = (): string[] => readdirSync(recordings).filter((f) => f.endsWith('-dec.wav'));
  // Recordings of ended calls (taken at each end: events reach us after baresip has made the next file).
  let earlier = new Set<string>(decoded());
  const onEvent = (e: BaresipEvent): void => {
    // Auto-answer skips CALL_INCOMING: a call's first event (the offer arriving) is the incoming call.
    const id = String(e['id'] ?? '');
    if (e['direction'] === 'incoming' && id && !calls.has(id)) {
      calls.add(id);
      const name = e['peerdisplayname'];
      const from = String(e['peeruri'] ?? '?');
      say({ type: 'incoming', from: typeof name === 'string' && name ? `"${name}" <${from}>` : from });
    }
    if (e.type === 'CALL_ESTABLISHED') say({ type: 'answered' });
    else if (e.type === 'CALL_CLOSED') {
      const wav = keepWhatItHeard(recordings, dir, heard.length + 1);
      if (wav) heard.push(wav);
      earlier = new Set(decoded());
      say({ type: 'ended', reason: e.param ?? '', heard: wav });
    }
  };
  const baresip = await startBaresipPhone({
    number: account.number,
    password: account.password,
    domain: account.domain,
    edgePort: account.port,
    wavFile: silence,
    recordDir: recordings,
    onEvent,
  }).catch((err: unknown) => {
    // Most often: the simulator was stopped or restarted (a restart makes a new edge and password).
    throw new Error(
      `could not register as ${account.number} at the SIP edge 127.0.0.1:${account.port}: is \`npm start\` ` +
        `still running with data dir ${options.dataDir}? (after restarting it, restart the phone)\n${errorMessage(err)}`,
    );
  });
  say({ type: 'registered', number: account.number });
  return {
    account,
    baresip,
    sendDigit: (digit) => {
      baresip.sendDigit(digit);
      say({ type: 'digit', digit });
    },
    hangup: () => baresip.hangup(),
    heard: () => heard,
    listenedS: () => {
      const current = decoded().find((f) => !earlier.has(f));
      return current ? Math.max(0, statSync(join(recordings, current)).size - 44) / (8000 * 2) : 0;
    },
    stop: () => baresip.stop(),
  };
}

/**
 * Copies the newest decoded-audio recording (`…-dec.wav`) to `heard-<n>.wav`. baresip closes the file as
 * the call ends, just after its CALL_CLOSED event; a header without its sizes yet is fixed here from the
 * file's length, so the copy always plays.
 */
function keepWhatItHeard(recordings: string, dir: string, n: number): string | undefined {
  const dec = readdirSync(recordings)
    .filter((f) => f.endsWith('-dec.wav'))
    .map((f) => join(recordings, f))
    .sort((a, b) => statSync(a).mtimeMs - statSync(b).mtimeMs)
    .at(-1);
  if (!dec) return undefined;
  const out = join(dir, `heard-${n}.wav`);
  copyFileSync(dec, out);
  const wav = readFileSync(out);
  if (
    wav.length >= 44 &&
    wav.toString('ascii', 0, 4) === 'RIFF' &&
    wav.toString('ascii', 36, 40) === 'data'
  ) {
    wav.writeUInt32LE(wav.length - 8, 4);
    wav.writeUInt32LE(wav.length - 44, 40);
    writeFileSync(out, wav);
  }
  return out;
}
