/**
 * The admin repository as one principal may use it. The operator passes through; a building
 * administrator sees only rows of their buildings (others answer 404, as if absent: ids of other
 * buildings are not confirmed), may create or change a row only when it and everything it references
 * (a rule's door, a member's resident…) lie in their buildings, and may not create or delete buildings
 * and panels (provisioning is the operator's). Every write is attributed to the principal in the change
 * log.
 */
import { ForbiddenError, NotFoundError } from '../../../lib/errors.ts';
import type { BuildingScope } from '../store/building-scope.ts';
import type { Entities } from '../store/entities.ts';
import { type EntityName, type EntityView, refsOf, specOf } from '../store/entity-specs.ts';
import { mayAccessBuilding, type Principal } from './principal.ts';

/** What only the operator creates and deletes. */
const OPERATOR_ONLY: ReadonlySet<EntityName> = new Set(['buildings', 'panels']);

export class ScopedEntities {
  readonly #entities: Entities;
  readonly #scope: BuildingScope;
  readonly #principal: Principal;

  constructor(entities: Entities, scope: BuildingScope, principal: Principal) {
    this.#entities = entities;
    this.#scope = scope;
    this.#principal = principal;
  }

  list<N extends EntityName>(name: N, filter: Readonly<Record<string, string>> = {}): EntityView<N>[] {
    const rows = this.#entities.list(name, filter);
    const p = this.#principal;
    if (p.kind === 'operator') return rows;
    const visible = this.#scope.idsIn(name, [...p.buildingIds]);
    return rows.filter((row) => visible.has(row.id));
  }

  get<N extends EntityName>(name: N, id: string): EntityView<N> {
    this.check(name, id);
    return this.#entities.get(name, id);
  }

  create<N extends EntityName>(name: N, input: unknown): EntityView<N> {
    this.#operatorOnly(name, 'create');
    this.#checkRefs(name, input);
    return this.#entities.withActor(this.#principal.actor, () => this.#entities.create(name, input));
  }

  update<N extends EntityName>(name: N, id: string, patch: unknown): EntityView<N> {
    this.check(name, id);
    this.#checkRefs(name, patch);
    return this.#entities.withActor(this.#principal.actor, () => this.#entities.update(name, id, patch));
  }

  remove(name: EntityName, id: string): void {
    this.check(name, id);
    this.#operatorOnly(name, 'delete');
    this.#entities.withActor(this.#principal.actor, () => this.#entities.remove(name, id));
  }

  /** Runs other writes (card status actions…) attributed to the principal. */
  asActor<T>(fn: () => T): T {
    return this.#entities.withActor(this.#principal.actor, fn);
  }

  /** Throws NotFoundError unless the row exists and lies in the principal's buildings. */
  check(name: EntityName, id: string): void {
    const building = this.#scope.buildingOf(name, id);
    if (building === undefined || !mayAccessBuilding(this.#principal, building))
      throw new NotFoundError(`no ${specOf(name).what} "${id}"`);
  }

  #checkRefs(name: EntityName, input: unknown): void {
    if (this.#principal.kind === 'operator' || typeof input !== 'object' || input === null) return;
    const fields = input as Record<string, unknown>;
    for (const [field, target] of refsOf(name)) {
      const value = fields[field];
      if (typeof value === 'string') this.check(target, value);
    }
  }

  #operatorOnly(name: EntityName, action: string): void {
    if (this.#principal.kind !== 'operator' && OPERATOR_ONLY.has(name))
      throw new ForbiddenError(`only the hub operator may ${action} ${name}`);
  }
}
