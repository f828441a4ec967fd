/**
 * The admin-managed tables, described once: the generic repository (entities.ts), the admin API routes, the
 * CLI and the OpenAPI document all derive from these specs. Each names the schema that validates what
 * clients send (its keys are the stored fields; columns are their snake_case, the table the name's) and the
 * schema of what reads return, from which the row types derive.
 */
import type { z } from 'zod';
import { accessRuleSchema, cardSchema, timeProfileSchema, unitSchema } from '../../protocol/building.ts';
import { appDeviceSchema } from '../../protocol/directory.ts';
import {
  doorbellMemberSchema,
  doorbellSchema,
  doorInputSchema,
  doorViewSchema,
  hubBuildingSchema,
  hubResidentSchema,
  panelSchema,
  panelViewSchema,
} from '../../protocol/hub-entities.ts';

interface SpecFields {
  /** Singular noun for messages. */
  what: string;
  /** Validates a whole row as clients send it (create, or an update merged onto the stored row). */
  schema: z.ZodObject;
  /** What reads return: the schema, plus the fields the hub fills in (never accepted from clients). */
  view: z.ZodObject;
  /** Fields stored as JSON text. */
  json?: readonly string[];
  /** Boolean fields, stored as 0/1. */
  bool?: readonly string[];
  /** What a UNIQUE constraint (besides the id) means, for the conflict message. */
  unique?: string;
  /** Reference fields and the entity they point to; checked before writing, for a clear message. */
  refs?: Readonly<Record<string, string>>;
}

export const ENTITY_SPECS = {
  buildings: {
    what: 'building',
    schema: hubBuildingSchema,
    view: hubBuildingSchema,
    bool: ['picturesAllowed', 'residentsMayAddCards', 'cardAcceptUid'],
  },
  panels: {
    what: 'panel',
    schema: panelSchema,
    view: panelViewSchema,
    // Not in the view, so never selected: the broker password hash (panel-status.ts reads it).
    refs: { buildingId: 'buildings' },
  },
  doors: { what: 'door', schema: doorInputSchema, view: doorViewSchema, refs: { panelId: 'panels' } },
  units: { what: 'unit', schema: unitSchema, view: unitSchema, refs: { buildingId: 'buildings' } },
  residents: {
    what: 'resident',
    schema: hubResidentSchema,
    view: hubResidentSchema,
    bool: ['hidden'],
    refs: { unitId: 'units', hiddenProfileId: 'timeProfiles' },
  },
  cards: {
    what: 'card',
    schema: cardSchema,
    view: cardSchema,
    refs: { residentId: 'residents' },
    unique: 'a card with this uid is already registered',
  },
  timeProfiles: {
    what: 'time profile',
    schema: timeProfileSchema,
    view: timeProfileSchema,
    json: ['intervals'],
    refs: { buildingId: 'buildings' },
  },
  accessRules: {
    what: 'access rule',
    schema: accessRuleSchema,
    view: accessRuleSchema,
    refs: { residentId: 'residents', doorId: 'doors', timeProfileId: 'timeProfiles' },
  },
  doorbells: {
    what: 'doorbell',
    schema: doorbellSchema,
    view: doorbellSchema,
    refs: { panelId: 'panels', unitId: 'units', residentId: 'residents', doorId: 'doors' },
  },
  doorbellMembers: {
    what: 'doorbell member',
    schema: doorbellMemberSchema,
    view: doorbellMemberSchema,
    refs: { doorbellId: 'doorbells', residentId: 'residents' },
    unique: 'this resident is already a member of the doorbell',
  },
  appDevices: {
    what: 'app device',
    schema: appDeviceSchema,
    view: appDeviceSchema,
    refs: { residentId: 'residents' },
  },
} as const satisfies Record<string, SpecFields>;

/** Plural name: API path segment and JSON key. */
export type EntityName = keyof typeof ENTITY_SPECS;
export const ENTITY_NAMES = Object.keys(ENTITY_SPECS).filter(isEntityName);

/** A row as clients send it, validated (defaults filled in). */
export type EntityInput<N extends EntityName> = z.output<(typeof ENTITY_SPECS)[N]['schema']>;
/** A row as reads return it. */
export type EntityView<N extends EntityName> = z.output<(typeof ENTITY_SPECS)[N]['view']>;

export type Building = EntityView<'buildings'>;
export type Panel = EntityView<'panels'>;
export type Door = EntityView<'doors'>;
export type Unit = EntityView<'units'>;
export type Resident = EntityView<'residents'>;
export type Card = EntityView<'cards'>;
export type TimeProfile = EntityView<'timeProfiles'>;
export type AccessRule = EntityView<'accessRules'>;
export type Doorbell = EntityView<'doorbells'>;
export type DoorbellMember = EntityView<'doorbellMembers'>;
export type AppDevice = EntityView<'appDevices'>;

/** An entity's spec with its row types: what generic code (`Entities`) works with. */
export type EntitySpec<N extends EntityName = EntityName> = Omit<SpecFields, 'schema' | 'view' | 'refs'> & {
  readonly schema: z.ZodType<EntityInput<N>>;
  readonly view: z.ZodType<EntityView<N>>;
  readonly refs?: Readonly<Record<string, EntityName>>;
};

/**
 * The same specs seen through their row types: TypeScript checks here, once per entity, that each schema
 * produces its entity's types, so generic code gets `EntityView<N>` for a name `N`.
 */
const TYPED: { readonly [N in EntityName]: EntitySpec<N> } = ENTITY_SPECS;

export const specOf = <N extends EntityName>(name: N): EntitySpec<N> => TYPED[name];

/** The stored fields (what clients send), camelCase. */
export const fieldsOf = (name: EntityName): string[] => Object.keys(ENTITY_SPECS[name].schema.shape);
/** Every field a read shows, stored or filled in by the hub. */
export const viewFieldsOf = (name: EntityName): string[] => Object.keys(ENTITY_SPECS[name].view.shape);

export const tableOf = (name: EntityName): string => snakeCase(name);

/** Reference fields of the entity and the entity each points to. */
export const refsOf = (name: EntityName): [string, EntityName][] => Object.entries(TYPED[name].refs ?? {});

export function isEntityName(name: string): name is EntityName {
  return Object.hasOwn(ENTITY_SPECS, name);
}

const columns = new Map<string, string>();

/** A field's column name; remembered, as bulk writes ask for every field of every row (fields are few). */
export function snakeCase(field: string): string {
  let column = columns.get(field);
  if (column === undefined) {
    column = field.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
    columns.set(field, column);
  }
  return column;
}
