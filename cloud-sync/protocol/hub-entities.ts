/**
 * The hub's admin rows that panels never receive as they are (panels, doors as the admin names them,
 * doorbells and their members) and the fields the hub adds to what panels get (a building's policies, a
 * resident's e-mail). The rows a panel receives unchanged (units, cards, time profiles, access rules, app
 * devices) use building.ts/directory.ts as they are, so the hub can never store a row the panel would
 * reject. Here, not in the hub, because WebAdmin validates the hub's replies with the same schemas
 * (the hub's entity table, hub/store/entity-specs.ts, names them).
 */
import { z } from 'zod';
import { buildingSchema, doorSchema, residentSchema } from './building.ts';
import { bellMemberFields, bellResidentIssue, bellTiming, bellTypeSchema } from './directory.ts';
import { entityId, epochMs, name } from './fields.ts';
import { DEVICE_ID_PATTERN } from './topics.ts';

/** Panel and door ids also appear in the panel's YAML config and MQTT topics: the stricter device-id form. */
export const deviceStyleId = z
  .string()
  .regex(DEVICE_ID_PATTERN, 'must be 1-63 chars of a-z, 0-9, "_" or "-", starting alphanumeric');

/**
 * App devices log in to the broker as `app-…`; a panel with such an id would share its broker identity
 * (and Mosquitto's `%u` ACL patterns) with an app device.
 */
const panelId = deviceStyleId.refine(
  (id) => !id.startsWith('app-'),
  'must not start with "app-" (app device ids do)',
);

/**
 * A building as the hub keeps it: the protocol's building plus policies only the hub applies, which never
 * reach a panel (snapshot-source.ts selects the protocol's fields only).
 */
export const hubBuildingSchema = buildingSchema.extend({
  /** The building's policy: whether residents may add their own cards in the resident app. */
  residentsMayAddCards: z.boolean().default(false),
});

/**
 * A resident as the hub keeps it: the protocol's resident plus contact data panels never receive. The
 * panel PIN's hash is no admin field: the resident sets it in the app (residents/panel-pin.ts) and no
 * API returns it, so it is left out here (an admin write naming it is refused).
 */
export const hubResidentSchema = residentSchema.omit({ panelPinHash: true }).extend({
  email: z.email('must be an e-mail address such as "anna@example.com"').max(254).nullable().default(null),
});

export const panelSchema = z.object({ id: panelId, name, buildingId: entityId }).strict();

/** A panel as the hub shows it: its broker username and creation time are the hub's to set. */
export const panelViewSchema = panelSchema.extend({ brokerUsername: z.string().min(1), createdAt: epochMs });

/** A door's building is always its panel's, so clients name only the panel. */
export const doorInputSchema = z.object({ id: deviceStyleId, panelId: deviceStyleId, name }).strict();

/** A door as the hub shows it: the protocol's door (with the building the hub derives) plus its panel. */
export const doorViewSchema = doorSchema.extend({ id: deviceStyleId, panelId: deviceStyleId });

/**
 * A bell on one panel. A separate bell names its resident (its unit is theirs); every other type names
 * the unit it rings. The protocol's bell row is compiled from this.
 */
export const doorbellSchema = z
  .object({
    id: entityId,
    panelId: deviceStyleId,
    unitId: entityId.nullable().default(null),
    residentId: entityId.nullable().default(null),
    type: bellTypeSchema,
    displayText: name,
    /** A door of the same panel, which a resident may open during a call; null = none. */
    doorId: deviceStyleId.nullable().default(null),
    ...bellTiming,
  })
  .strict()
  .refine((b) => (b.unitId === null) !== (b.residentId === null), {
    message: 'set exactly one of unitId and residentId',
    path: ['unitId'],
  })
  .superRefine((b, ctx) => {
    const issue = bellResidentIssue(b);
    if (issue) ctx.addIssue({ code: 'custom', path: ['residentId'], message: issue });
  });

/** Whom a unit bell rings: the ring order of a sequential bell, the reception group of a business bell. */
export const doorbellMemberSchema = z
  .object({ id: entityId, doorbellId: entityId, residentId: entityId, ...bellMemberFields })
  .strict();

export type HubBuilding = z.output<typeof hubBuildingSchema>;
export type HubResident = z.output<typeof hubResidentSchema>;
export type PanelView = z.output<typeof panelViewSchema>;
export type DoorView = z.output<typeof doorViewSchema>;
export type Doorbell = z.output<typeof doorbellSchema>;
export type DoorbellMember = z.output<typeof doorbellMemberSchema>;

/** What `GET /api/v1/{name}` answers: the rows under their plural name. */
export function listReply<K extends string, S extends z.ZodType>(key: K, row: S) {
  return z.object({ [key]: z.array(row) } as { [P in K]: z.ZodArray<S> });
}

/** What a schema parses to, for browser code that names row types without importing zod itself. */
export type Parsed<S extends z.ZodType> = z.output<S>;
