/**
 * The panel page's search (panel-ui/src/directory-search.ts) over a directory like the demo building's:
 * every typed word starts a word of the bell (name, company, unit, flat number, a family member's name),
 * accents and case do not matter, matches inside a word come after and need three letters; the keypad
 * finds a flat by its exact number and says when no flat starts so.
 */
import { describe, expect, it } from 'vitest';
import type { DirectoryEntry } from '../../cloud-sync/protocol/panel-api.ts';
import { bellsOfFlat, fold, searchDirectory } from '../../panel-ui/src/directory-search.ts';

const bell = (bellId: string, displayText: string, unitNumber: string, memberNames: string[] = []) =>
  ({
    bellId,
    type: memberNames.length ? 'family' : 'separate',
    displayText,
    unitName: `Flat ${unitNumber}`,
    unitNumber,
    memberNames,
    picture: null,
  }) satisfies DirectoryEntry;

const BELLS = [
  bell('anna', 'Anna Andersson', '1001'),
  bell('erik', 'Erik Berg', '1002'),
  bell('nystrom', 'Nyström', '2002'),
  bell('ek', 'Familjen Ek', '3002', ['Johan Ek', 'Lars Ek']),
  bell('johan', 'Johan Ek', '3002'),
  bell('oyvind', 'Øyvind Ærø', '3101'),
  bell('design', 'Sjöberg Design AB', '4001'),
];
const ids = (query: string) => searchDirectory(BELLS, query).map((b) => b.bellId);

describe('the panel page search', () => {
  it('keeps the panel’s order for an empty query', () => {
    expect(ids('')).toEqual(BELLS.map((b) => b.bellId));
    expect(ids('   ')).toEqual(BELLS.map((b) => b.bellId));
  });

  it('finds by the start of any word: name, company, unit name, flat number, family member', () => {
    expect(ids('ann')).toEqual(['anna']);
    expect(ids('design')).toEqual(['design']);
    expect(ids('flat 1002')).toEqual(['erik']);
    expect(ids('40')).toEqual(['design']);
    expect(ids('lars')).toEqual(['ek']);
    expect(ids('johan')).toEqual(['ek', 'johan']);
    expect(ids('er be')).toEqual(['erik']);
  });

  it('ignores case and accents, and spells ø, æ and ß as typed', () => {
    expect(ids('NYSTROM')).toEqual(['nystrom']);
    expect(ids('sjoberg')).toEqual(['design']);
    expect(ids('oyvind aero')).toEqual(['oyvind']);
    expect(fold('Øyvind Ærø Straße')).toBe('oyvind aero strasse');
  });

  it('puts matches inside a word after, from three letters on', () => {
    expect(ids('son')).toEqual(['anna']);
    expect(ids('berg')).toEqual(['erik', 'design']);
    // Two letters inside a word would match half the building.
    expect(ids('er')).toEqual(['erik']);
    expect(ids('zz')).toEqual([]);
  });

  it('dials a flat by its exact number, and knows when no flat starts so', () => {
    expect(bellsOfFlat(BELLS, '3002')).toEqual({ exact: [BELLS[3], BELLS[4]], possible: false });
    expect(bellsOfFlat(BELLS, '30')).toEqual({ exact: [], possible: true });
    expect(bellsOfFlat(BELLS, '9')).toEqual({ exact: [], possible: false });
    expect(bellsOfFlat(BELLS, '')).toEqual({ exact: [], possible: true });
  });
});
