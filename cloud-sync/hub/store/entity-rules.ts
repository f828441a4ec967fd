/**
 * Checks of an admin row against the others, in the write's transaction: references first (foreign keys
 * would refuse them too, but without saying which field), then rules between rows that foreign keys cannot
 * state. A row that breaks one is refused with a message, rather than compiling into a snapshot the panel
 * would reject.
 */
import { ValidationError } from '../../../lib/errors.ts';
import { type EntityInput, type EntityName, refsOf, specOf, tableOf } from './entity-specs.ts';
import type { Statements } from './statements.ts';

type Rules = { readonly [N in EntityName]?: (statements: Statements, row: EntityInput<N>) => void };

const RULES: Rules = { units: checkUnit, doorbells: checkDoorbell, doorbellMembers: checkDoorbellMember };

export function checkEntityRules<N extends EntityName>(
  statements: Statements,
  name: N,
  row: EntityInput<N>,
): void {
  checkRefs(statements, name, row);
  const rule: Rules[N] = RULES[name];
  rule?.(statements, row);
}

function checkRefs(statements: Statements, name: EntityName, row: Record<string, unknown>): void {
  const what = specOf(name).what;
  for (const [field, target] of refsOf(name)) {
    const ref = row[field];
    if (ref === null || ref === undefined) continue;
    if (!statements.get(`SELECT 1 FROM ${tableOf(target)} WHERE id = ?`).get(ref))
      throw new ValidationError(`invalid ${what}: ${field} "${ref}" does not exist`, [
        `${field}: no such ${specOf(target).what} "${ref}"`,
      ]);
  }
}

/** A visitor dialing a flat number must reach one flat: unique within the building. */
function checkUnit(statements: Statements, unit: EntityInput<'units'>): void {
  if (unit.number === null) return;
  const other = statements
    .get('SELECT id FROM units WHERE building_id = ? AND number = ? AND id <> ? ORDER BY id LIMIT 1')
    .pluck()
    .get(unit.buildingId, unit.number, unit.id);
  if (other !== undefined)
    refuse('unit', `number: unit "${String(other)}" of the building already has number "${unit.number}"`);
}

function checkDoorbell(statements: Statements, bell: EntityInput<'doorbells'>): void {
  if (bell.doorId !== null) {
    const panel = statements.get('SELECT panel_id FROM doors WHERE id = ?').pluck().get(bell.doorId);
    // The snapshot of the bell's panel holds only that panel's doors.
    if (panel !== undefined && panel !== bell.panelId)
      refuse(
        'doorbell',
        `doorId: door "${bell.doorId}" is on panel "${panel}", not on the bell's panel "${bell.panelId}"`,
      );
  }
  if (bell.type === 'separate') {
    const members = Number(
      statements.get('SELECT count(*) FROM doorbell_members WHERE doorbell_id = ?').pluck().get(bell.id),
    );
    if (members > 0)
      refuse(
        'doorbell',
        `type: a separate bell rings only its resident; remove its ${members} member(s) first`,
      );
  }
}

function checkDoorbellMember(statements: Statements, member: EntityInput<'doorbellMembers'>): void {
  const type = statements.get('SELECT type FROM doorbells WHERE id = ?').pluck().get(member.doorbellId);
  if (type === 'separate')
    refuse(
      'doorbell member',
      `doorbellId: doorbell "${member.doorbellId}" is a separate bell: it rings its own resident and has no members`,
    );
}

function refuse(what: string, issue: string): never {
  throw new ValidationError(`invalid ${what}: ${issue}`, [issue]);
}
