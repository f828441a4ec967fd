/**
 * The admin-managed tables, described once: the generic repository (entities.ts), the admin API routes and
 * the OpenAPI document all derive from these specs. Row shapes reuse the protocol's building schemas where
 * the panel receives the row, so the hub can never store a row the panel would reject.
 */
import { z } from 'zod';
import {
  accessRuleSchema,
  buildingSchema,
  cardSchema,
  residentSchema,
  timeProfileSchema,
  unitSchema,
} from '../../protocol/building.ts';
import { DEVICE_ID_PATTERN } from '../../protocol/topics.ts';

/** Panel and door ids also appear in the panel's YAML config and MQTT topics: the stricter device-id form. */
export const deviceStyleId = z
  .string()
  .regex(DEVICE_ID_PATTERN, 'must be 1-63 chars of a-z, 0-9, "_" or "-", starting alphanumeric');

export const panelSchema = z
  .object({ id: deviceStyleId, name: z.string().min(1).max(200), buildingId: z.string().min(1).max(128) })
  .strict();

/** A door's building is always its panel's, so clients name only the panel. */
export const doorInputSchema = z
  .object({ id: deviceStyleId, panelId: deviceStyleId, name: z.string().min(1).max(200) })
  .strict();

export const doorbellSchema = z
  .object({
    id: z.string().min(1).max(128),
    panelId: deviceStyleId,
    unitId: z.string().min(1).max(128).nullable().default(null),
    residentId: z.string().min(1).max(128).nullable().default(null),
    type: z.enum(['separate', 'sequential', 'parallel', 'family', 'business']),
    displayText: z.string().min(1).max(200),
  })
  .strict()
  .refine((b) => (b.unitId === null) !== (b.residentId === null), {
    message: 'set exactly one of unitId and residentId',
    path: ['unitId'],
  });

export interface EntitySpec {
  /** Plural name: API path segment and JSON key. */
  name: string;
  /** Singular noun for messages. */
  what: string;
  table: string;
  /** Validates a whole row as clients send it (create, or an update merged onto the stored row). */
  schema: z.ZodType;
  /** Fields stored from the parsed input, camelCase; columns are their snake_case. */
  fields: readonly string[];
  /** Fields stored as JSON text. */
  json?: readonly string[];
  /** Reference fields and the table they point to; checked before writing, for a clear message. */
  refs?: Readonly<Record<string, string>>;
  /** Fields the hub fills in (shown in views, never accepted from clients). */
  derived?: readonly string[];
  /** Columns never shown (secrets). */
  hidden?: readonly string[];
}

const validity = ['validFrom', 'validUntil'] as const;

export const ENTITY_SPECS = {
  buildings: {
    name: 'buildings',
    what: 'building',
    table: 'buildings',
    schema: buildingSchema,
    fields: ['id', 'name', 'timeZone'],
  },
  panels: {
    name: 'panels',
    what: 'panel',
    table: 'panels',
    schema: panelSchema,
    fields: ['id', 'name', 'buildingId'],
    refs: { buildingId: 'buildings' },
    derived: ['brokerUsername', 'createdAt'],
    hidden: ['password_hash'],
  },
  doors: {
    name: 'doors',
    what: 'door',
    table: 'doors',
    schema: doorInputSchema,
    fields: ['id', 'panelId', 'name'],
    refs: { panelId: 'panels' },
    derived: ['buildingId'],
  },
  units: {
    name: 'units',
    what: 'unit',
    table: 'units',
    schema: unitSchema,
    fields: ['id', 'buildingId', 'name'],
    refs: { buildingId: 'buildings' },
  },
  residents: {
    name: 'residents',
    what: 'resident',
    table: 'residents',
    schema: residentSchema,
    fields: ['id', 'unitId', 'name', 'status'],
    refs: { unitId: 'units' },
  },
  cards: {
    name: 'cards',
    what: 'card',
    table: 'cards',
    schema: cardSchema,
    fields: ['id', 'uid', 'residentId', 'status', ...validity],
    refs: { residentId: 'residents' },
  },
  timeProfiles: {
    name: 'timeProfiles',
    what: 'time profile',
    table: 'time_profiles',
    schema: timeProfileSchema,
    fields: ['id', 'buildingId', 'name', 'intervals'],
    json: ['intervals'],
    refs: { buildingId: 'buildings' },
  },
  accessRules: {
    name: 'accessRules',
    what: 'access rule',
    table: 'access_rules',
    schema: accessRuleSchema,
    fields: ['id', 'residentId', 'doorId', 'timeProfileId', ...validity],
    refs: { residentId: 'residents', doorId: 'doors', timeProfileId: 'time_profiles' },
  },
  doorbells: {
    name: 'doorbells',
    what: 'doorbell',
    table: 'doorbells',
    schema: doorbellSchema,
    fields: ['id', 'panelId', 'unitId', 'residentId', 'type', 'displayText'],
    refs: { panelId: 'panels', unitId: 'units', residentId: 'residents' },
  },
} as const satisfies Record<string, EntitySpec>;

export type EntityName = keyof typeof ENTITY_SPECS;
export const ENTITY_NAMES = Object.keys(ENTITY_SPECS) as EntityName[];

export function snakeCase(field: string): string {
  return field.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

export function camelCase(column: string): string {
  return column.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
}
