/**
 * Every message of MQTT protocol v1, as zod schemas. Panel, hub and browser apps validate what they
 * receive with these; the AsyncAPI document is generated from them (asyncapi.ts).
 */
import { z } from 'zod';
import { buildingSnapshotSchema } from './building-snapshot.ts';
import { pulseMsSchema } from './door-pulse.ts';
import { ENTITIES, perEntity } from './entities.ts';
import { PROTOCOL_VERSION } from './topics.ts';
import { updateInstallCommand } from './update-command.ts';

const protocol = z.literal(PROTOCOL_VERSION).describe('protocol version');
const epochMs = z.number().int().min(0).max(8.64e15);
const configVersion = z.number().int().min(1).max(Number.MAX_SAFE_INTEGER);
const id = z.string().min(1).max(128);

/** The most doors one panel reports as wired (config/reported). */
export const MAX_WIRED_DOORS = 64;

/** Which panel a signed config is for, in which epoch, and the hub keys to trust from now on. */
const configStamp = {
  deviceId: z.string().min(1).max(63).describe('the panel this config is for; any other panel refuses it'),
  epoch: z
    .number()
    .int()
    .min(1)
    .max(Number.MAX_SAFE_INTEGER)
    .describe('a snapshot of a newer epoch replaces the panel config whatever its version (recovery)'),
  hubKeys: z
    .array(z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'must be a base64url Ed25519 public key'))
    .min(1)
    .max(4)
    .describe('the hub public keys the panel trusts from now on, for config and commands (rotation)'),
};

/** The signed body of `config/desired` (see config-signing.ts for the wire format). */
export const configSnapshotMessage = z
  .object({
    protocol,
    ...configStamp,
    version: configVersion.describe('rises with every change; a panel ignores versions it has seen'),
    issuedAt: epochMs,
    data: buildingSnapshotSchema,
  })
  .strict();

/** Per list, at most its patchMax entries: rows to upsert (each validated by the panel as it applies it). */
const changeLists = z
  .object(perEntity((list) => z.array(z.unknown()).max(ENTITIES[list].patchMax).optional()))
  .strict();

/** Per list, at most its patchMax ids to delete. */
const deleteLists = z
  .object(perEntity((list) => z.array(id).max(ENTITIES[list].patchMax).optional()))
  .strict();

/** The signed body of `config/patch` (see config-signing.ts for the wire format). */
export const configPatchMessage = z
  .object({
    protocol,
    ...configStamp,
    baseVersion: configVersion,
    version: configVersion,
    issuedAt: epochMs,
    /** Rows to insert or replace, each validated by the panel with the building row schemas. */
    upsert: changeLists.default({}),
    /** Ids to delete; deletes apply before upserts. */
    delete: deleteLists.default({}),
  })
  .strict()
  .refine((p) => p.version === p.baseVersion + 1, {
    message: 'version must be baseVersion + 1',
    path: ['version'],
  });

export const configReportedMessage = z
  .object({
    protocol,
    /** The version in force on the panel (0 = none yet). */
    version: z.number().int().min(0),
    /** The epoch of that version (0 = none yet); absent from panels before signed config. */
    epoch: z.number().int().min(0).optional(),
    status: z.enum(['applied', 'rejected', 'unchanged']),
    /** The version that was rejected, and why. */
    rejectedVersion: z.number().int().min(0).optional(),
    reason: z.string().max(2000).optional(),
    /** The doors the panel has a relay for (its device config); the hub reports any it lacks or has extra. */
    wiredDoors: z.array(id).max(MAX_WIRED_DOORS).optional(),
    at: epochMs,
  })
  .strict();

export const configRequestMessage = z
  .object({
    protocol,
    haveVersion: z.number().int().min(0),
    reason: z.enum(['gap', 'startup', 'invalid', 'command']),
    at: epochMs,
  })
  .strict();

export const auditEventSchema = z
  .object({
    id: z.string().min(1).max(64),
    seq: z.number().int().min(1),
    ts: epochMs,
    type: z.string().min(1).max(64),
    doorId: z.string().max(128).nullable(),
    readerId: z.string().max(128).nullable(),
    data: z.record(z.string(), z.unknown()),
  })
  .strict();

/**
 * The most an events message may be, serialized (UTF-8 JSON bytes): the hub refuses a larger one as
 * `too_large`. A quarter of the hub's inbox limit (1 MiB), so a refusal is an answer, not silence.
 */
export const EVENTS_MESSAGE_MAX_BYTES = 256 * 1024;

export const eventsMessage = z
  .object({
    protocol,
    /**
     * In-order stream (`live: false`): the seq of the last event the panel sent before this batch (0 for
     * none). Seqs the panel dropped under its overflow policy are skipped, so a gap between `afterSeq` and
     * the hub's last stored seq means the hub missed a batch: it stores nothing past the gap, and acks
     * only what it has, so the panel resends from there.
     */
    afterSeq: z.number().int().min(0),
    /**
     * Live copies: events sent the moment they happen, ahead of a draining backlog. The hub stores them
     * (idempotently, by id) but acks only the in-order stream, which carries them again later.
     */
    live: z.boolean().default(false),
    /** Events in sequence order. */
    events: z.array(auditEventSchema).min(1).max(500),
  })
  .strict()
  .describe(`at most ${EVENTS_MESSAGE_MAX_BYTES} bytes serialized; a larger one is refused as too_large`);

/** Why the hub refused (part of) an in-order events message. */
export const EVENTS_REJECTIONS = ['too_large', 'invalid'] as const;

export const eventsRejection = z
  .object({
    /** The first seq the hub did not store: the one after its position. */
    fromSeq: z.number().int().min(1),
    /**
     * The last seq of the refused range, when the hub could read it. `fromSeq === toSeq` names one event
     * the hub refuses on its own (the panel skips it); a longer or unknown range is split by the panel.
     */
    toSeq: z.number().int().min(1).optional(),
    reason: z.enum(EVENTS_REJECTIONS),
    detail: z.string().max(200).optional(),
  })
  .strict();

export const eventsAckMessage = z
  .object({
    protocol,
    /** Every event with seq ≤ upToSeq is stored at the cloud and may leave the outbox. */
    upToSeq: z.number().int().min(0),
    /**
     * Added in the same protocol version (panels of before refuse such an ack, and would have retried
     * forever anyway): the hub stored up to `upToSeq` and refuses what follows, instead of staying silent.
     */
    rejected: eventsRejection
      .optional()
      .describe(
        'the hub refuses what follows upToSeq: a range (split it) or one event (fromSeq = toSeq: skip it and record why)',
      ),
  })
  .strict();

/**
 * Just enough of an events message to answer it: what the hub reads from a message that fails
 * `eventsMessage`, to store its valid head and name the first event it refuses.
 */
export const eventsEnvelope = z.object({
  afterSeq: z.number().int().min(0),
  live: z.boolean().default(false),
  events: z
    .array(z.looseObject({ seq: z.number().int().min(1) }))
    .min(1)
    .max(500),
});

export const deviceStateMessage = z
  .object({
    protocol,
    status: z.enum(['online', 'offline']),
    configVersion: z.number().int().min(0).optional(),
    lastSeq: z.number().int().min(0).optional(),
    software: z.string().max(64).optional(),
    at: epochMs.optional(),
  })
  .strict();

export const commandBodySchema = z
  .object({
    /** Unique per command; the panel refuses a nonce it has seen before it expires. */
    nonce: z.string().min(16).max(64),
    deviceId: z.string().min(1).max(63),
    issuedAt: epochMs,
    expiresAt: epochMs,
    command: z.discriminatedUnion('type', [
      z
        .object({
          type: z.literal('door.open'),
          doorId: id,
          onBehalfOf: z.object({ kind: z.enum(['resident', 'admin', 'installer']), id }).strict(),
          reason: z.string().max(200),
          pulseMs: pulseMsSchema.optional(),
        })
        .strict(),
      z.object({ type: z.literal('config.resync') }).strict(),
      z
        .object({ type: z.literal('identify'), durationS: z.number().int().min(1).max(300).default(10) })
        .strict(),
      /**
       * Card enrolment: the next card on a reader of this door opens nothing; its UID is the command's
       * result (`cardUid`), for an administrator allocating the card. Waits at most durationS, and never
       * past the command's expiry.
       */
      z
        .object({
          type: z.literal('card.enrol'),
          doorId: id,
          durationS: z.number().int().min(5).max(55).default(45),
        })
        .strict(),
      /** Fetch, check and install a signed update bundle (update-command.ts); progress comes as events. */
      updateInstallCommand,
    ]),
  })
  .strict()
  .refine((c) => c.expiresAt > c.issuedAt && c.expiresAt - c.issuedAt <= 60_000, {
    message: 'expiresAt must be after issuedAt and at most 60 s later',
    path: ['expiresAt'],
  });

export const signedCommandMessage = z
  .object({
    protocol,
    /** base64url of the UTF-8 JSON command body: the exact bytes that were signed. */
    body: z.string().min(1).max(8192),
    /** base64url Ed25519 signature over those bytes. */
    signature: z.string().regex(/^[A-Za-z0-9_-]{86}$/, 'must be a base64url Ed25519 signature'),
  })
  .strict();

export const commandResultMessage = z
  .object({
    protocol,
    /** The command's nonce, when it could be read. */
    nonce: z.string().max(64).optional(),
    status: z.enum(['done', 'refused', 'failed']),
    reason: z.string().max(500).optional(),
    /** card.enrol: the UID of the card tapped (hex, as the panel read it). */
    cardUid: z
      .string()
      .regex(/^[0-9A-F]{8,20}$/, 'must be 4-10 bytes of upper-case hex')
      .optional(),
    at: epochMs,
  })
  .strict();

export type ConfigSnapshotMessage = z.output<typeof configSnapshotMessage>;
export type ConfigPatchMessage = z.output<typeof configPatchMessage>;
export type ConfigReportedMessage = z.output<typeof configReportedMessage>;
export type ConfigRequestMessage = z.output<typeof configRequestMessage>;
export type EventsMessage = z.output<typeof eventsMessage>;
export type EventsAckMessage = z.output<typeof eventsAckMessage>;
export type EventsRejection = z.output<typeof eventsRejection>;
export type DeviceStateMessage = z.output<typeof deviceStateMessage>;
export type CommandBody = z.output<typeof commandBodySchema>;
export type SignedCommandMessage = z.output<typeof signedCommandMessage>;
export type CommandResultMessage = z.output<typeof commandResultMessage>;

/** Which schema validates the payload on each leaf. */
export const messageSchemas = {
  state: deviceStateMessage,
  'config/desired': configSnapshotMessage,
  'config/patch': configPatchMessage,
  'config/reported': configReportedMessage,
  'config/request': configRequestMessage,
  events: eventsMessage,
  'events/ack': eventsAckMessage,
  commands: signedCommandMessage,
  'commands/result': commandResultMessage,
} as const;
