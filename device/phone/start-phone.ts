/**
 * Starts the phone fallback from `intercom.phone`: the SIP dialer (sip.js through the SIP edge), the media
 * legs of the media process and the prompt maker (espeak-ng, cached beside the panel's database). Without
 * that config section, or without the media process, legs fail at once with the reason, so residents
 * with the app are still rung and the screen says who could not be reached.
 */
import { createSocket } from 'node:dgram';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Clock } from '../../lib/clock/clock.ts';
import { errorMessage } from '../../lib/errors.ts';
import type { Logger } from '../../lib/log/logger.ts';
import type { PhoneConfig } from '../config/schema.ts';
import type { CallDoorOpener, IntercomPhone } from '../intercom/ports.ts';
import type { CallAudit } from '../intercom/types.ts';
import { PromptMaker } from './media/prompt.ts';
import { PhoneFallback } from './phone-fallback.ts';
import { type PhoneSettings, phoneSettingsOf } from './phone-settings.ts';
import { phoneUnavailable } from './phone-unavailable.ts';
import { SipDialer } from './sip/sip-dialer.ts';
import type { PhoneMediaFactory, PhonePrompt } from './types.ts';

export interface PhoneDeps {
  panelId: string;
  panelName: string;
  /** Prompts are cached here (a folder beside the panel's database). */
  dataDir: string;
  /** The building's row, read at each call (name, prompt, open digits). */
  building: () => { name: string; phonePrompt?: string | null; phoneOpenDigits?: string } | undefined;
  doors: Pick<CallDoorOpener, 'openForPhone'>;
  audit: CallAudit;
  clock: Clock;
  logger: Logger;
}

export type RunningPhone = IntercomPhone & { stop(): Promise<void> };

export async function startPhone(
  config: PhoneConfig | undefined,
  media: PhoneMediaFactory | undefined,
  deps: PhoneDeps,
): Promise<RunningPhone> {
  const unavailable = (reason: string): RunningPhone => ({
    ...phoneUnavailable(reason, deps.audit),
    stop: async () => {},
  });
  if (!config) return unavailable('the panel has no SIP edge configured (intercom.phone)');
  if (!media) return unavailable('the panel media (camera, microphone, speaker) did not start');
  const dialer = new SipDialer({
    edgeUrl: config.edgeUrl,
    domain: config.domain,
    username: config.username ?? deps.panelId,
    password: config.password,
    ...(config.ca ? { ca: await readFile(config.ca, 'utf8') } : {}),
    clock: deps.clock,
    logger: deps.logger.child({ part: 'sip' }),
  });
  await dialer.start();
  const prompts = new PromptMaker({ cacheDir: join(deps.dataDir, 'prompts') });
  const settings = (): PhoneSettings => phoneSettingsOf(deps.building() ?? { name: deps.panelName });
  // The last prompt stays in memory: a call does not wait for the cache file (the text rarely changes).
  let last: { text: string; prompt: Promise<PhonePrompt> } | undefined;
  const prompt = (text: string): Promise<PhonePrompt> => {
    if (last?.text !== text) {
      const made = prompts.make({ text, voice: config.voice });
      last = { text, prompt: made };
      made.catch(() => {
        if (last?.prompt === made) last = undefined;
      });
    }
    return last.prompt;
  };
  // Made ahead, so the first call's answer does not wait for espeak-ng.
  prompt(settings().promptText).catch((err: unknown) =>
    deps.logger.warn({ err: errorMessage(err) }, 'phone prompt could not be made ahead'),
  );
  const fallback = new PhoneFallback({
    dialer,
    media,
    prompt,
    settings,
    doors: deps.doors,
    audit: deps.audit,
    clock: deps.clock,
    logger: deps.logger.child({ part: 'phone' }),
    ringTimeoutS: config.ringTimeoutS,
    maxCallS: config.maxCallS,
  });
  return {
    dial: (request, report) => fallback.dial(request, report),
    end: (callId) => fallback.end(callId),
    stop: async () => {
      fallback.stop();
      await dialer.stop();
    },
  };
}

/**
 * The address the phone leg's RTP is bound to and announced with: `mediaAddress` when set, else the
 * local address the kernel routes toward the edge (a connected UDP socket sends nothing).
 */
export async function phoneMediaAddress(config: PhoneConfig, logger: Logger): Promise<string> {
  if (config.mediaAddress) return config.mediaAddress;
  const host = new URL(config.edgeUrl).hostname.replace(/^\[|\]$/g, '');
  const socket = createSocket(host.includes(':') ? 'udp6' : 'udp4');
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.connect(9, host, () => resolve());
    });
    return socket.address().address;
  } catch (err) {
    logger.warn({ err: errorMessage(err), host }, 'no route to the SIP edge yet; phone media on 127.0.0.1');
    return '127.0.0.1';
  } finally {
    socket.close();
  }
}
