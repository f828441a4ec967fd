/**
 * The lists of building data, each described once: the snapshot schema (building-snapshot.ts), the patch
 * message (messages.ts), the hub's diff and the panel's store all iterate this table, so adding a list is
 * one entry here plus the store's migration and column mapping (which the type checker asks for).
 *
 * The table's key order is the wire order: the order of the lists in a snapshot and in a patch, so it
 * decides the bytes the hub publishes and the hash it compares. Every row is keyed by its `id`.
 */
import type { z } from 'zod';
import {
  accessRuleSchema,
  buildingSchema,
  cardSchema,
  doorSchema,
  residentSchema,
  timeProfileSchema,
  unitSchema,
} from './building.ts';
import { appDeviceSchema, bellMemberSchema, bellSchema } from './directory.ts';

/** What the protocol says about one list; `Name` is the list names, so `parents` can only name lists. */
export interface EntitySpec<Row extends { id: string }, Input, Name extends string = string> {
  /** Validates one row. */
  readonly schema: z.ZodType<Row, Input>;
  /** One row in words, for messages ("invalid card: …"). */
  readonly label: string;
  /** The most rows one config patch may upsert, and the most ids it may delete (a snapshot has no limit). */
  readonly patchMax: number;
  /** The lists its rows refer to: written before it, deleted after it (ENTITY_APPLY_ORDER). */
  readonly parents: readonly Name[];
  /** Fields besides `id` whose values are unique within the list (checked in a snapshot). */
  readonly unique?: readonly (keyof Row & string)[];
}

const specs = {
  buildings: { schema: buildingSchema, label: 'building', patchMax: 10_000, parents: [] },
  doors: { schema: doorSchema, label: 'door', patchMax: 10_000, parents: ['buildings'] },
  units: { schema: unitSchema, label: 'unit', patchMax: 10_000, parents: ['buildings'] },
  // A resident may be hidden during a time profile.
  residents: {
    schema: residentSchema,
    label: 'resident',
    patchMax: 100_000,
    parents: ['units', 'timeProfiles'],
  },
  cards: { schema: cardSchema, label: 'card', patchMax: 100_000, parents: ['residents'], unique: ['uid'] },
  timeProfiles: {
    schema: timeProfileSchema,
    label: 'time profile',
    patchMax: 10_000,
    parents: ['buildings'],
  },
  accessRules: {
    schema: accessRuleSchema,
    label: 'access rule',
    patchMax: 100_000,
    parents: ['residents', 'doors', 'timeProfiles'],
  },
  bells: { schema: bellSchema, label: 'bell', patchMax: 10_000, parents: ['units', 'residents', 'doors'] },
  bellMembers: {
    schema: bellMemberSchema,
    label: 'bell member',
    patchMax: 100_000,
    parents: ['bells', 'residents'],
  },
  appDevices: { schema: appDeviceSchema, label: 'app device', patchMax: 100_000, parents: ['residents'] },
} as const;

export type EntityName = keyof typeof specs;
/** A row of list `K` as validated (defaults applied). */
export type EntityRow<K extends EntityName = EntityName> = z.output<(typeof specs)[K]['schema']>;
/** A row of list `K` as a sender may write it. */
export type EntityInput<K extends EntityName = EntityName> = z.input<(typeof specs)[K]['schema']>;

/** The table, typed per list, so generic code over `K extends EntityName` keeps each list's row type. */
export const ENTITIES: { readonly [K in EntityName]: EntitySpec<EntityRow<K>, EntityInput<K>, EntityName> } =
  specs;

/** The list names in wire order. */
export const ENTITY_NAMES = Object.keys(specs) as EntityName[];

/**
 * `{ [K in EntityName]: make(K) }`, in wire order. The values share one type: TypeScript cannot relate a
 * generic `make` to a record whose value type differs per key, so where it does (a list schema per list),
 * the caller narrows the result to its own mapped type.
 */
export function perEntity<T>(make: (name: EntityName) => T): Record<EntityName, T> {
  const out: Partial<Record<EntityName, T>> = {};
  for (const name of ENTITY_NAMES) out[name] = make(name);
  // Every key was set just above.
  return out as Record<EntityName, T>;
}

/**
 * Parents before children, so a row can refer to one written in the same snapshot or patch; among lists
 * free to go, wire order. Throws on a cycle, which no order can write.
 */
function parentsFirst(): readonly EntityName[] {
  const order: EntityName[] = [];
  while (order.length < ENTITY_NAMES.length) {
    const next = ENTITY_NAMES.find(
      (name) => !order.includes(name) && ENTITIES[name].parents.every((p) => order.includes(p)),
    );
    if (next === undefined) throw new Error('the parents of the building data lists form a cycle');
    order.push(next);
  }
  return order;
}

/** The order lists are written in: parents before children. */
export const ENTITY_APPLY_ORDER: readonly EntityName[] = parentsFirst();
/** The order lists are deleted in: children before parents, so no delete depends on a cascade. */
export const ENTITY_DELETE_ORDER: readonly EntityName[] = [...ENTITY_APPLY_ORDER].reverse();
