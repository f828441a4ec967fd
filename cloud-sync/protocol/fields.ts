/** Field schemas shared by the parts of the building snapshot (building.ts, directory.ts). */
import { z } from 'zod';

export const entityId = z.string().min(1).max(128);
export const name = z.string().min(1).max(200);
export const epochMs = z.number().int().min(0).max(8.64e15);
