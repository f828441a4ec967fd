/**
 * Pairing a new panel with the hub, without copying files: the messages of the three parties.
 *
 *   panel → hub   POST /api/v1/pairing/requests         its X25519 public key and its wired doors; answers
 *                                                       a code to show, a poll token and when it expires
 *   panel → hub   GET  /api/v1/pairing/requests/{id}    (poll token as bearer) waiting, or the kit sealed
 *                                                       to the panel's key, collected once
 *   admin → hub   POST /api/v1/pairing/claim            the code, the panel id, the building (and doors)
 *   screen → panel GET /api/v1/pairing, …/qr.svg        the code and its QR on the unpaired panel's screen
 *
 * Shared by the hub, the panel and the browser apps (WebAdmin's form, the panel page), so zod only.
 */
import { z } from 'zod';
import { panelPhoneSectionSchema } from './admin-panels.ts';
import { DEVICE_ID_PATTERN } from './topics.ts';

/** Crockford's base32: no I, L, O or U, so a code read off a screen is typed back without ambiguity. */
export const PAIRING_CODE_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
/** 8 characters of 5 bits: 40 bits, against an online guesser who is rate-limited and has 15 minutes. */
export const PAIRING_CODE_LENGTH = 8;

export const PAIRING_REQUESTS_PATH = '/api/v1/pairing/requests';
export const PAIRING_CLAIM_PATH = '/api/v1/pairing/claim';
/** The panel's local API: the screen's view of pairing, and the code as a QR (SVG, made on the panel). */
export const PANEL_PAIRING_PATH = '/api/v1/pairing';
export const PANEL_PAIRING_QR_PATH = '/api/v1/pairing/qr.svg';
/** The unpaired panel's page (panel-ui/pairing.html), where the visitor page's address leads meanwhile. */
export const PANEL_PAIRING_PAGE = '/panel/pairing.html';

/**
 * A code as typed: case-insensitive, dashes and spaces ignored, and Crockford's look-alikes read as
 * the digits they resemble (I, L → 1; O → 0). Anything else stays, and fails the pattern.
 */
export function normalizePairingCode(text: string): string {
  return text.toUpperCase().replace(/[\s-]/g, '').replace(/[IL]/g, '1').replace(/O/g, '0');
}

/** How a code is shown: two groups of four, e.g. `7KQ4-M2XD`. */
export function formatPairingCode(code: string): string {
  return code.length === PAIRING_CODE_LENGTH ? `${code.slice(0, 4)}-${code.slice(4)}` : code;
}

export const pairingCodeSchema = z
  .string()
  .max(32)
  .transform(normalizePairingCode)
  .pipe(
    z
      .string()
      .regex(
        new RegExp(`^[${PAIRING_CODE_ALPHABET}]{${PAIRING_CODE_LENGTH}}$`),
        `must be the ${PAIRING_CODE_LENGTH} characters the panel shows (letters and digits)`,
      ),
  );

const id = z.string().regex(DEVICE_ID_PATTERN, 'must be 1-63 chars of a-z, 0-9, "_" or "-"');
const name = z.string().trim().min(1).max(100);
/** 32 raw bytes of an X25519 public key, base64url. */
const x25519Key = z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'must be a 32-byte X25519 key in base64url');

/** A door wired in the panel's base config: what the administrator maps the hub's doors onto. */
export const wiredDoor = z.object({ id, name });
export type WiredDoor = z.output<typeof wiredDoor>;

/** `POST /api/v1/pairing/requests` (no credential: the panel has none yet; rate-limited per address). */
export const pairingRequestBody = z
  .object({
    /** The kit is sealed to this key; only the panel that asked can open it. */
    publicKey: x25519Key,
    doors: z.array(wiredDoor).min(1).max(16),
    /** What the administrator may see of the panel before claiming it, e.g. the software version. */
    software: z.string().max(100).optional(),
  })
  .strict();
export type PairingRequestBody = z.output<typeof pairingRequestBody>;

export const pairingRequestReply = z.object({
  requestId: z.string().min(1).max(64),
  code: z.string().regex(new RegExp(`^[${PAIRING_CODE_ALPHABET}]{${PAIRING_CODE_LENGTH}}$`)),
  /** The bearer of the polls; the hub keeps only its hash. */
  pollToken: z.string().min(32).max(128),
  /** Epoch ms (the hub's clock): unclaimed by then, the request is gone and the panel asks for a new code. */
  expiresAt: z.number().int(),
  /** The same as a duration: a panel whose clock is not set yet (no NTP at installation) times it itself. */
  ttlMs: z.number().int().positive(),
});
export type PairingRequestReply = z.output<typeof pairingRequestReply>;

/** The kit sealed to the panel's key (lib/crypto/sealed-box.ts): X25519, HKDF-SHA256, AES-256-GCM. */
export const sealedKit = z.object({
  ephemeralPublicKey: x25519Key,
  iv: z.string().regex(/^[A-Za-z0-9_-]{16}$/),
  ciphertext: z
    .string()
    .min(1)
    .max(64 * 1024),
});
export type SealedKit = z.output<typeof sealedKit>;

/** The context the kit is sealed under: a box made for one request opens for no other. */
export const kitContext = (requestId: string): string => `portvakt pairing kit v1 ${requestId}`;

/** `GET /api/v1/pairing/requests/{id}`: still waiting, or claimed with the kit (given out once). */
export const pairingPollReply = z.discriminatedUnion('state', [
  z.object({ state: z.literal('waiting'), expiresAt: z.number().int() }),
  z.object({ state: z.literal('claimed'), kit: sealedKit }),
]);
export type PairingPollReply = z.output<typeof pairingPollReply>;

/**
 * What the panel receives at pairing: what panel.yaml held when `provision` wrote it — identity, the
 * broker login, the hub's key, the installer token, the SIP account — but no wiring: the panel keeps its
 * own (the base config) and renames its wired doors to the hub's (`doors[].wired`).
 */
export const panelKit = z
  .object({
    panel: z.object({ id, name, timeZone: z.string().min(1).max(64) }).strict(),
    sync: z
      .object({
        brokerUrl: z.string().min(1).max(300),
        username: z.string().min(1).max(128),
        password: z.string().min(16).max(1024),
        hubPublicKey: z.string().regex(/^[A-Za-z0-9_-]{43}$/),
        mqttVersion: z.union([z.literal(4), z.literal(5)]).optional(),
        /** PEM text of the CA the broker's certificate chains to; the panel writes it beside its data. */
        caPem: z
          .string()
          .max(64 * 1024)
          .optional(),
      })
      .strict(),
    installerToken: z.string().min(16).max(256),
    /** The scrypt hash of the installer PIN (api.installerPinHash); the PIN itself only in the claim's reply. */
    installerPinHash: z.string().min(1).max(300),
    /** The hub's doors of this panel, each on the base config's wired door of id `wired`. */
    doors: z.array(z.object({ id, name, wired: id }).strict()).max(16),
    phone: panelPhoneSectionSchema.optional(),
  })
  .strict();
export type PanelKit = z.output<typeof panelKit>;

/** One door of a claim: the hub's door `id` (created when new) on the panel's wired door `wired`. */
export const claimDoor = z.object({ id, name: name.optional(), wired: id }).strict();

/** `POST /api/v1/pairing/claim` (admin API: the operator, or a building administrator for their buildings). */
export const pairingClaimBody = z
  .object({
    code: pairingCodeSchema,
    panelId: id,
    buildingId: z.string().min(1).max(128),
    name: name.optional(),
    /**
     * Which hub door is which wired door. Absent: one door per wired door, `<panelId>-<wired id>`, named
     * as the panel names it. Wired doors left out stay unknown at the hub (reported as a mismatch).
     */
    doors: z.array(claimDoor).min(1).max(16).optional(),
    /** The panel exists (a replaced or factory-reset unit): replace its credentials, as `provision --reissue`. */
    reissue: z.boolean().optional(),
    /** The installer PIN (6-12 digits); absent: the hub makes one, shown once in the reply. */
    installerPin: z
      .string()
      .regex(/^\d{6,12}$/, 'must be 6-12 digits')
      .optional(),
  })
  .strict();
export type PairingClaimBody = z.output<typeof pairingClaimBody>;

export const pairingClaimReply = z.object({
  panelId: z.string(),
  buildingId: z.string(),
  reissued: z.boolean(),
  doors: z.array(z.object({ id: z.string(), name: z.string(), wired: z.string() })),
  /** When the panel collects its kit: by then unclaimed kits are deleted (claim again with `reissue`). */
  kitExpiresAt: z.number().int(),
  phoneFallback: z.boolean(),
  /** The generated installer PIN, shown this once (the panel gets only its hash); absent when the claim gave one. */
  installerPin: z.string().optional(),
});
export type PairingClaimReply = z.output<typeof pairingClaimReply>;

/** `GET /api/v1/pairing` on the panel: what its screen shows. */
export const panelPairingStatus = z.object({
  /**
   * `paired`: the panel has its sync config. `unpaired`: no sync and no pairing client (no `pairing`
   * section), or the client has not got a code yet. `waiting`: a code is shown. `error`: the hub cannot
   * be reached or refused (`error` says why; the client retries with backoff).
   */
  state: z.enum(['unpaired', 'waiting', 'paired', 'error']),
  /** Formatted for reading (`7KQ4-M2XD`). */
  code: z.string().optional(),
  expiresAt: z.number().int().optional(),
  /** The hub's address as configured (`pairing.hubUrl`): where the administrator enters the code. */
  hub: z.string().optional(),
  error: z.string().optional(),
});
export type PanelPairingStatus = z.output<typeof panelPairingStatus>;

/** What the QR says: WebAdmin's pairing form with the code filled in (in the fragment, never sent). */
export function pairingLink(hubUrl: string, code: string): string {
  return `${hubUrl.replace(/\/+$/, '')}/admin/#/pair-panel?code=${code}`;
}
