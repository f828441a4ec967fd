/**
 * Installer mode of the panel's local API (device/api/routes/installer-*.ts), as the installer page
 * (panel-ui/src/installer/) reads it: one definition for the panel, its OpenAPI document and the page,
 * which imports the types alone. Nothing here carries a card UID, a PIN or a secret: a card read is its
 * reader, its time and its UID's length.
 */
import { z } from 'zod';

export const INSTALLER_API = '/api/v1/installer';
export const INSTALLER_PATHS = {
  status: `${INSTALLER_API}/status`,
  session: `${INSTALLER_API}/session`,
  selfTest: `${INSTALLER_API}/self-test`,
  stream: `${INSTALLER_API}/stream`,
  camera: `${INSTALLER_API}/camera.jpg`,
  microphone: `${INSTALLER_API}/microphone`,
  speakerTest: `${INSTALLER_API}/speaker-test`,
  logs: `${INSTALLER_API}/logs`,
  factoryReset: `${INSTALLER_API}/factory-reset`,
  testPulse: (doorId: string) => `${INSTALLER_API}/doors/${encodeURIComponent(doorId)}/test-pulse`,
} as const;

/** GET …/status (no credential): whether installer mode can be entered, and when. */
export const installerStatusReply = z.object({
  pinConfigured: z
    .union([z.boolean(), z.literal('invalid')])
    .describe("false: no PIN set, installer mode is off; 'invalid': the data folder's PIN hash is broken"),
  retryAfterS: z.number().int().min(0).describe('seconds until a PIN may be tried (wrong-PIN backoff)'),
});

export const sessionBody = z
  .object({ pin: z.string().regex(/^[0-9]{6,12}$/, 'must be 6-12 digits') })
  .strict();

export const sessionReply = z.object({
  token: z.string().describe('Authorization: Bearer <token> on every installer request'),
  expiresAt: z.number().int().describe('wall time it ends unless used again (idle), epoch ms'),
  idleTimeoutS: z.number().int(),
});

export const INPUT_ROLES = ['exitButton', 'doorContact', 'tamper'] as const;

export const inputView = z.object({
  id: z.string().describe('<doorId>.<role>'),
  doorId: z.string(),
  role: z.enum(INPUT_ROLES),
  active: z.boolean().nullable().describe('null: the level could not be read'),
});

export const relayView = z.object({ doorId: z.string(), name: z.string(), locked: z.boolean() });

export const cardRead = z.object({
  readerId: z.string().nullable().describe('null: a reader no configured reader matches'),
  at: z.number().int().describe('wall time, epoch ms'),
  uidLength: z.number().int().describe('bytes of the UID (4, 7 or 10); the UID itself is never shown'),
});

export const micLevel = z.object({
  available: z.boolean().describe('false: no microphone running (no intercom, or its pipeline is down)'),
  peakDbfs: z.number().nullable().describe('peak over the window, dBFS (0 = full scale); null: silence'),
  rmsDbfs: z.number().nullable(),
  windowMs: z.number().int(),
});

export const CLOCK_SYNC_STATES = ['synchronized', 'not_synchronized', 'unknown'] as const;

export const selfTestReply = z.object({
  identity: z.object({ panelId: z.string(), panelName: z.string(), buildingName: z.string().nullable() }),
  software: z.object({
    version: z.string(),
    commit: z.string().nullable().describe('the git commit, when the panel runs from a git checkout'),
  }),
  uptimeS: z.number().int(),
  relays: z.array(relayView),
  inputs: z.array(inputView),
  readers: z.array(z.object({ id: z.string(), name: z.string(), attached: z.boolean() })),
  network: z.object({
    broker: z.object({
      configured: z.boolean().describe('false: no sync section, the panel runs offline'),
      connected: z.boolean(),
      since: z.number().int().nullable().describe('when it last connected or disconnected, epoch ms'),
    }),
    hub: z.object({
      configVersion: z.number().int(),
      configEpoch: z.number().int(),
      lastConfigAt: z
        .number()
        .int()
        .nullable()
        .describe('when the panel last applied config from the hub (since it started), epoch ms'),
    }),
  }),
  clock: z.object({
    sync: z.enum(CLOCK_SYNC_STATES),
    source: z.string().nullable().describe('what said so: timedatectl or timesyncd; null when unknown'),
    now: z.number().int(),
  }),
  disk: z.object({ path: z.string(), freeBytes: z.number(), totalBytes: z.number() }),
  media: z.object({
    intercom: z.boolean().describe('false: no intercom configured: no camera, microphone or speaker'),
  }),
});

export const testPulseBody = z
  .object({ pulseMs: z.number().int().min(1000).max(30_000).optional().describe('default: the door pulse') })
  .strict();

export const factoryResetBody = z
  .object({ confirm: z.literal('erase').describe('the word "erase": nothing is erased by accident') })
  .strict();

/**
 * What GET …/stream sends (server-sent events): `state` once (relays and inputs), then `input`, `relay`,
 * `card-read` and `mic-level` (about every 300 ms) as they happen, and `end` when the session ends.
 */
export type InstallerStreamEvent =
  | { event: 'state'; data: { relays: RelayView[]; inputs: InputView[] } }
  | { event: 'input'; data: InputView }
  | { event: 'relay'; data: RelayView }
  | { event: 'card-read'; data: CardRead }
  | { event: 'mic-level'; data: MicLevel }
  | { event: 'end'; data: { reason: string } };

export type InstallerStatusReply = z.output<typeof installerStatusReply>;
export type SessionReply = z.output<typeof sessionReply>;
export type InputView = z.output<typeof inputView>;
export type RelayView = z.output<typeof relayView>;
export type CardRead = z.output<typeof cardRead>;
export type MicLevel = z.output<typeof micLevel>;
export type SelfTestReply = z.output<typeof selfTestReply>;
export type ClockSyncState = (typeof CLOCK_SYNC_STATES)[number];
