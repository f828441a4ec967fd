/**
 * Rules between admin rows that foreign keys cannot state, checked in the write's transaction: a row that
 * breaks one is refused with a message, rather than compiling into a snapshot the panel would reject.
 */
import type { Database } from 'better-sqlite3';
import { ValidationError } from '../../../lib/errors.ts';
import type { EntityName } from './entity-specs.ts';

type Row = Record<string, unknown>;

export function checkEntityRules(db: Database, name: EntityName, row: Row): void {
  if (name === 'doorbells') checkDoorbell(db, row);
  else if (name === 'doorbellMembers') checkDoorbellMember(db, row);
}

function checkDoorbell(db: Database, bell: Row): void {
  const doorId = bell['doorId'];
  if (doorId !== null && doorId !== undefined) {
    const panel = db.prepare('SELECT panel_id FROM doors WHERE id = ?').pluck().get(doorId);
    // The snapshot of the bell's panel holds only that panel's doors.
    if (panel !== undefined && panel !== bell['panelId'])
      refuse(
        'doorbell',
        `doorId: door "${doorId}" is on panel "${panel}", not on the bell's panel "${bell['panelId']}"`,
      );
  }
  if (bell['type'] === 'separate') {
    const members = db
      .prepare('SELECT count(*) FROM doorbell_members WHERE doorbell_id = ?')
      .pluck()
      .get(bell['id']) as number;
    if (members > 0)
      refuse(
        'doorbell',
        `type: a separate bell rings only its resident; remove its ${members} member(s) first`,
      );
  }
}

function checkDoorbellMember(db: Database, member: Row): void {
  const bellId = member['doorbellId'];
  const type = db.prepare('SELECT type FROM doorbells WHERE id = ?').pluck().get(bellId);
  if (type === 'separate')
    refuse(
      'doorbell member',
      `doorbellId: doorbell "${bellId}" is a separate bell: it rings its own resident and has no members`,
    );
}

function refuse(what: string, issue: string): never {
  throw new ValidationError(`invalid ${what}: ${issue}`, [issue]);
}
