/** The Swedish catalogue: one section per part of the panel page (the English one's shape). */
import type { Catalogue } from '../catalogue.ts';
import { installer } from './installer.ts';
import { visitor } from './visitor.ts';

export const sv: Catalogue = { visitor, installer };
