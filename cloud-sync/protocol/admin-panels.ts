/**
 * The hub's admin API for panels and doors as WebAdmin reads them: a panel's live status (online, config
 * published vs applied, alarms, door mismatches), remote opening and card enrolment (signed commands and
 * their outcome), and what a card or resident change means for the panels (`?wait`). One definition for
 * the hub, which produces these, and the browser, which validates them.
 */
import { z } from 'zod';
import { panelUpdateViewSchema } from './admin-releases.ts';
import { cardSchema } from './building.ts';
import { pulseMsSchema } from './door-pulse.ts';
import { hubResidentSchema, panelViewSchema } from './hub-entities.ts';
import { commandBodySchema } from './messages.ts';

/** A panel's sync status as the admin API shows it. */
export const panelStatusViewSchema = z.object({
  config: z.object({
    publishedVersion: z.number().int().nullable(),
    publishedAt: z.number().int().nullable(),
    reportedVersion: z.number().int().nullable(),
    reportedStatus: z.string().nullable(),
    rejectedVersion: z.number().int().nullable(),
    rejectReason: z.string().nullable(),
    reportedAt: z.number().int().nullable(),
    epoch: z.number().int().nullable(),
    /**
     * The last time the panel reported a config version the hub never published for it (a forged or
     * diverged replica); active while clearedAt is null, cleared when it reports a published one again.
     */
    alarm: z
      .object({
        clearedAt: z.number().int().nullable(),
        reportedVersion: z.number().int(),
        publishedVersion: z.number().int().nullable(),
        at: z.number().int(),
      })
      .nullable(),
  }),
  /**
   * The panel's doors at the hub against those the panel reports wired (its device config): a door
   * missing on the panel can never open; an unknown one never grants. Null until the panel reported.
   */
  doors: z
    .object({
      wired: z.array(z.string()),
      missingOnPanel: z
        .array(z.string())
        .describe('doors of this panel at the hub that the panel has no relay for'),
      unknownAtHub: z
        .array(z.string())
        .describe('doors the panel has wired that the hub does not have for it'),
    })
    .nullable(),
  online: z.boolean(),
  state: z
    .object({
      status: z.string(),
      configVersion: z.number().int().nullable(),
      lastSeq: z.number().int().nullable(),
      software: z.string().nullable(),
      at: z.number().int(),
    })
    .nullable(),
  eventPosition: z.number().int(),
});
export type PanelStatusView = z.output<typeof panelStatusViewSchema>;

/** GET /api/v1/panels/{id}: the panel and its status. */
export const panelStatusReply = panelViewSchema.extend({
  ...panelStatusViewSchema.shape,
  /** The last software update asked of the panel and where it stands; null: none ever. */
  update: panelUpdateViewSchema.nullable().default(null),
});
export type PanelStatusReply = z.output<typeof panelStatusReply>;

export const commandViewSchema = z.object({
  nonce: z.string(),
  panelId: z.string(),
  type: z.string(),
  body: commandBodySchema,
  issuedAt: z.number().int(),
  expiresAt: z.number().int(),
  /** `expired`: sent, never answered, and past its expiry (the panel will refuse it now). */
  status: z.enum(['sent', 'done', 'refused', 'failed', 'expired']),
  reason: z.string().nullable(),
  resultAt: z.number().int().nullable(),
  /** card.enrol: the UID of the card tapped at the door. */
  cardUid: z.string().nullable(),
});
export type CommandView = z.output<typeof commandViewSchema>;

export const openDoorBody = z
  .object({
    onBehalfOf: z
      .object({ kind: z.enum(['resident', 'admin', 'installer']), id: z.string().min(1).max(128) })
      .strict(),
    reason: z.string().min(1).max(200),
    pulseMs: pulseMsSchema.optional(),
  })
  .strict();

export const enrolCardBody = z
  .object({
    durationS: z
      .number()
      .int()
      .min(5)
      .max(55)
      .default(45)
      .describe('how long the door waits for the card to enrol'),
  })
  .strict();

export const openDoorReply = z.object({
  nonce: z.string(),
  panelId: z.string(),
  expiresAt: z.number().int(),
});

const panelVersion = z.object({ panelId: z.string(), version: z.number().int() });

export const configOutcomeView = z
  .object({
    versions: z.array(panelVersion).describe('the config version this change produced, per panel'),
    applied: z.array(panelVersion).optional().describe('with wait: panels that report the version'),
    notApplied: z
      .array(
        panelVersion.extend({
          reportedVersion: z.number().int().nullable(),
          reason: z.enum(['offline', 'behind']),
        }),
      )
      .optional()
      .describe('with wait: panels that have not applied it (offline ones are not waited for)'),
  })
  .describe('what the change means for panels');
export type ConfigOutcomeView = z.output<typeof configOutcomeView>;

/** A card or resident change as the API answers it: the row and what it means for the panels. */
export const cardChangeReply = cardSchema.extend({ config: configOutcomeView });
export const residentChangeReply = hubResidentSchema.extend({ config: configOutcomeView });
/** DELETE with `?wait`: only the outcome (without wait the answer is an empty 204). */
export const removalReply = z.object({ config: configOutcomeView });

export type OpenDoorBody = z.input<typeof openDoorBody>;
export type OpenDoorReply = z.output<typeof openDoorReply>;
export type CardChangeReply = z.output<typeof cardChangeReply>;
export type ResidentChangeReply = z.output<typeof residentChangeReply>;

/**
 * A panel's SIP account for the phone fallback as the panel's config takes it (`intercom.phone` in
 * panel.yaml, beside the panel's own ringTimeoutS and maxCallS): written by `portvakt-hub provision` and
 * answered once by a rotation. The password is a secret: it appears nowhere else.
 */
export const panelPhoneSectionSchema = z
  .object({
    /** The SIP edge's WebSocket URL (wss://, or ws:// on a trusted network). */
    edgeUrl: z.string().regex(/^wss?:\/\/[^\s/?#]+(?:\/[^\s?#]*)?$/),
    /** The SIP domain (digest realm). */
    domain: z.string().min(1).max(64),
    /** The panel id. */
    username: z.string().min(1).max(64),
    password: z.string().min(32).max(128),
    /** Path, on the panel, of the PEM CA file the edge's TLS certificate chains to. */
    ca: z.string().min(1).optional(),
  })
  .strict();

/** `POST /api/v1/panels/{id}/sip-account`: the new SIP account, shown once. */
export const panelSipAccountReply = z
  .object({ panelId: z.string(), phone: panelPhoneSectionSchema, redo: z.array(z.string()) })
  .strict();

export type PanelPhoneSection = z.output<typeof panelPhoneSectionSchema>;
export type PanelSipAccountReply = z.output<typeof panelSipAccountReply>;
