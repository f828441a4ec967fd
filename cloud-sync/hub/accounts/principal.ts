/**
 * Who is making an admin API request, as authorization sees it: the hub operator (the operator token, or
 * an operator account) sees and changes everything; a building administrator only the buildings granted
 * to them. Resident and unit-owner requests go through the resident API, not here.
 */
import type { ChangeActor } from '../store/entities.ts';
import type { AdminIdentity } from './admin-login.ts';

export type Principal =
  | { kind: 'operator'; actor: ChangeActor }
  | { kind: 'building_admin'; actor: ChangeActor; buildingIds: ReadonlySet<string> };

export const OPERATOR_TOKEN: Principal = {
  kind: 'operator',
  actor: { name: 'operator-token', accountId: null },
};

export function principalOfIdentity(identity: AdminIdentity): Principal {
  const actor = { name: identity.username, accountId: identity.accountId };
  return identity.role === 'operator'
    ? { kind: 'operator', actor }
    : { kind: 'building_admin', actor, buildingIds: new Set(identity.buildingIds) };
}

/** Whether the principal may see and change things of this building. */
export function mayAccessBuilding(principal: Principal, buildingId: string | undefined): boolean {
  if (principal.kind === 'operator') return true;
  return buildingId !== undefined && principal.buildingIds.has(buildingId);
}
