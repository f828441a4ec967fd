/**
 * How long one unlock may hold a door's strike open. Every length a person or a message can ask for is
 * checked against these bounds: a door's configured pulse, the local API's unlock, the hub's open-door
 * request and the signed `door.open` command it becomes; the door controller clamps to them as a last
 * line. One minimum, so nobody gets a pulse too short to pass; one maximum, so no request holds a door
 * open for long.
 */
import { z } from 'zod';

export const MIN_PULSE_MS = 1000;
export const MAX_PULSE_MS = 30_000;

/** A pulse length in ms; no description of its own, so each use says what its pulse is. */
export const pulseMsSchema = z.number().int().min(MIN_PULSE_MS).max(MAX_PULSE_MS);
