/**
 * Which hub door is which wired door of a panel being paired. The panel reports its wired doors (ids and
 * names from its base config: relays it can drive); the claim names the mapping, or takes the default of
 * one hub door per wired door (`<panelId>-<wired id>`, the panel's name for it). Never by position: a
 * mapping the administrator did not see could put a resident's door on the wrong relay.
 */
import { ValidationError } from '../../../lib/errors.ts';
import { parseInput } from '../../../lib/http/parse-input.ts';
import type { PairingClaimBody, WiredDoor } from '../../protocol/pairing.ts';
import { ENTITY_SPECS } from '../store/entity-specs.ts';

export interface MappedDoor {
  id: string;
  name: string;
  wired: string;
}

export function claimDoors(
  panelId: string,
  wired: readonly WiredDoor[],
  claimed: PairingClaimBody['doors'],
): MappedDoor[] {
  const byId = new Map(wired.map((d) => [d.id, d]));
  const asked: { id: string; name?: string | undefined; wired: string }[] =
    claimed ?? wired.map((d) => ({ id: `${panelId}-${d.id}`, wired: d.id }));
  const doors = asked.map((d): MappedDoor => {
    const wiredDoor = byId.get(d.wired);
    if (!wiredDoor)
      throw new ValidationError(
        `doors: the panel has no wired door "${d.wired}"; it has ${wired.map((w) => `"${w.id}"`).join(', ')}`,
      );
    const door = { id: d.id, name: d.name ?? wiredDoor.name, wired: d.wired };
    parseInput(ENTITY_SPECS.doors.schema, { id: door.id, panelId, name: door.name }, `door ${door.id}`);
    return door;
  });
  if (new Set(doors.map((d) => d.wired)).size !== doors.length)
    throw new ValidationError('doors: two hub doors on the same wired door');
  if (new Set(doors.map((d) => d.id)).size !== doors.length)
    throw new ValidationError('doors: the same door id twice');
  return doors;
}
