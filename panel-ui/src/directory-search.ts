/**
 * Finding a bell as a visitor types: by its text (a resident's name, a family or company name), by a
 * family member's name (memberNames: search only, never listed), by the unit's name or number. Every
 * word typed must start a word of the bell (so "an be" finds "Anna Berg"); bells where a word only
 * appears inside a word ("son" in "Andersson", three letters or more) come after. Accents and case do not matter: "nystrom"
 * finds "Nyström", "oyvind" finds "Øyvind". The panel's own order is kept within each group.
 */
import type { DirectoryEntry } from '../../cloud-sync/protocol/panel-api.ts';

/** Letters without their marks, lower case; ø, æ and ß (no decomposition) spelt the way people type them. */
export function fold(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLocaleLowerCase()
    .replace(/ø/g, 'o')
    .replace(/æ/g, 'ae')
    .replace(/ß/g, 'ss')
    .replace(/đ/g, 'd');
}

const words = (text: string): string[] =>
  fold(text)
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);

function searchable(bell: DirectoryEntry): string[] {
  return [bell.displayText, bell.unitName, bell.unitNumber ?? '', ...bell.memberNames].flatMap(words);
}

export function searchDirectory(bells: readonly DirectoryEntry[], query: string): DirectoryEntry[] {
  const wanted = words(query);
  if (wanted.length === 0) return [...bells];
  const starts: DirectoryEntry[] = [];
  const inside: DirectoryEntry[] = [];
  for (const bell of bells) {
    const have = searchable(bell);
    if (wanted.every((w) => have.some((h) => h.startsWith(w)))) starts.push(bell);
    else if (wanted.every((w) => w.length >= 3 && have.some((h) => h.includes(w)))) inside.push(bell);
  }
  return [...starts, ...inside];
}

/** The bells of the flat a visitor dialled (unitNumber exactly), and whether any flat starts so. */
export function bellsOfFlat(
  bells: readonly DirectoryEntry[],
  digits: string,
): { exact: DirectoryEntry[]; possible: boolean } {
  if (!digits) return { exact: [], possible: true };
  const exact = bells.filter((b) => b.unitNumber === digits);
  const possible = bells.some((b) => b.unitNumber?.startsWith(digits) && b.unitNumber !== digits);
  return { exact, possible };
}
