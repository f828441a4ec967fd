/**
 * The English catalogue: one section per part of the panel page, in a file each. Sections of other
 * screens (installer, resident) are added here beside the visitor's.
 */
import { installer } from './installer.ts';
import { visitor } from './visitor.ts';

export const en = { visitor, installer };
