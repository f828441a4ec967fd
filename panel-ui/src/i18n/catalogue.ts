/**
 * The shape every language's catalogue has: the English one's. nb and sv declare their sections with
 * these types, so a missing or misspelt key is a type error, not an English word on a Norwegian screen.
 */
import type { en } from './en/index.ts';

export type Catalogue = typeof en;
