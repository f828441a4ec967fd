import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Hub } from '../../../cloud-sync/hub/main.ts';
import { configSnapshotMessage } from '../../../cloud-sync/protocol/messages.ts';
import { until } from '../../../scripts/lab/until.ts';
import { ADMIN_TOKEN, type AdminApi, adminApi } from '../../support/hub.ts';
import { type Broker, type FakePanel, fakePanel, startBroker, startHub } from './hub-harness.ts';

const CSV = { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'text/csv' };
const HEADER = 'unit_id,unit_name,resident_id,name,email,phone,card_uid';

/** What the hub holds of building b1 (and the card table), to prove that a refused import changed nothing. */
async function b1State(call: AdminApi) {
  const units = (await call('GET', '/api/v1/units?buildingId=b1')).body.units;
  const residents = (await call('GET', '/api/v1/residents')).body.residents;
  const cards = (await call('GET', '/api/v1/cards')).body.cards;
  return { units, residents, cards };
}

const importCsv = (call: AdminApi, csv: string | Uint8Array, dryRun: boolean, building = 'b1') =>
  call('POST', `/api/v1/buildings/${building}/import?dryRun=${dryRun}`, csv, CSV);

describe('CSV import of units, residents and cards', () => {
  let broker: Broker;
  let hub: Hub;
  let call: AdminApi;
  let panel: FakePanel;

  beforeAll(async () => {
    broker = await startBroker();
    hub = await startHub(broker.url);
    call = adminApi(hub);
    for (const id of ['b1', 'b2'])
      await call('POST', '/api/v1/buildings', { id, name: id, timeZone: 'Europe/Stockholm' });
    await call('POST', '/api/v1/panels', { id: 'p1', name: 'Entrance', buildingId: 'b1' });
    await call('POST', '/api/v1/doors', { id: 'front', panelId: 'p1', name: 'Front door' });
    await call('POST', '/api/v1/panels', { id: 'p2', name: 'B2 entrance', buildingId: 'b2' });
    await call('POST', '/api/v1/doors', { id: 'b2-door', panelId: 'p2', name: 'B2 door' });
    await call('POST', '/api/v1/units', { id: 'other-unit', buildingId: 'b2', name: 'B2 unit' });
    await call('POST', '/api/v1/residents', { id: 'other-resident', unitId: 'other-unit', name: 'Olle' });
    await call('POST', '/api/v1/cards', { id: 'other-card', uid: '0A0B0C0D', residentId: 'other-resident' });
    panel = await fakePanel(broker.url, 'p1');
  });
  afterAll(async () => {
    await panel.close();
    await hub.stop();
    await broker.close();
  });

  it('reports every bad row with its line, column and reason, in a dry run and an apply, and changes nothing', async () => {
    const before = await b1State(call);
    const version = hub.store.panels.published('p1')?.version;
    const csv = [
      HEADER,
      'u1,A 1101,,Alice,alice@example.com,+46701234567,04a1b2c3', // 2: good
      'u1,,,Bertil,,,04A1B2C3', // 3: the same UID as line 2
      'u1,,,Cecilia,,,12345', // 4: bad UID format
      'u1,,,Doris,,,0a0b0c0d', // 5: UID already registered (another building's resident)
      'nowhere,,,Erik,,,', // 6: unknown unit, no name to create it
      'other-unit,,,Frida,,,', // 7: a unit of another building
      'u1,,,,,,', // 8: missing name
      `u1,,,${'x'.repeat(201)},,,`, // 9: too long
      'u1,,,Gustav', // 10: wrong column count
      'u1,,,Hanna,not-an-address,0701234567,', // 11: bad e-mail and phone
      'u1,A 1102,,Ivar,,,', // 12: the unit named otherwise than on line 2
      ',,other-resident,Olle,,,', // 13: missing unit
      'u1,,other-resident,Olle,,,', // 14: a resident of another building
      '"u1","A 1101",,"Jens,',
      'Jr.",,,', // 15–16: a quoted cell over two lines is fine
    ].join('\n');
    for (const dryRun of [true, false]) {
      const res = await importCsv(call, csv, dryRun);
      expect(res.status).toBe(422);
      expect(res.body.applied).toBe(false);
      expect(res.body.rows).toBe(14);
      expect(
        res.body.errors.map((e: { line: number; column: string | null; code: string }) => [
          e.line,
          e.column,
          e.code,
        ]),
      ).toEqual([
        [3, 'card_uid', 'duplicate_uid'],
        [4, 'card_uid', 'invalid'],
        [5, 'card_uid', 'uid_taken'],
        [6, 'unit_id', 'unknown_unit'],
        [7, 'unit_id', 'other_building'],
        [8, 'name', 'missing'],
        [9, 'name', 'invalid'],
        [10, null, 'column_count'],
        [11, 'email', 'invalid'],
        [11, 'phone', 'invalid'],
        [12, 'unit_name', 'conflict'],
        [13, 'unit_id', 'missing'],
        [14, 'resident_id', 'other_building'],
      ]);
      expect(res.body.errors.find((e: { line: number }) => e.line === 9).message).toMatch(/too long/);
      expect(await b1State(call)).toEqual(before);
      expect(hub.store.panels.published('p1')?.version).toBe(version);
    }
  });

  it('refuses a file that is not UTF-8, naming each bad line, and a header without a required column', async () => {
    const latin1 = Buffer.concat([
      Buffer.from(`${HEADER}\nu1,A,,Alice,,,\nu1,A,,`),
      Buffer.from([0x4a, 0xf6, 0x72, 0x61, 0x6e]), // "Jöran" in Latin-1
      Buffer.from(',,,\n'),
    ]);
    const res = await importCsv(call, latin1, true);
    expect(res.status).toBe(422);
    expect(res.body.errors).toEqual([
      { line: 3, column: null, code: 'not_utf8', message: expect.stringMatching(/UTF-8/) },
    ]);
    const header = await importCsv(call, 'unit_id,nom\nu1,Alice\n', true);
    expect(header.body.errors.map((e: { column: string; code: string }) => [e.column, e.code])).toEqual([
      ['nom', 'unknown_column'],
      ['name', 'missing_column'],
    ]);
    expect((await importCsv(call, 'unit_id,name\n"u1,Alice\n', true)).body.errors[0].code).toBe('csv_syntax');
    const long = await importCsv(call, `unit_id,name\nu1,"${'x'.repeat(20_000)}"\n`, true);
    expect(long.body.errors).toEqual([expect.objectContaining({ line: 2, code: 'csv_syntax' })]);
    const doors = await importCsv(call, 'unit_id,unit_name,name,doors\nu1,A,Alice,front;b2-door\n', true);
    expect(doors.body.errors).toEqual([
      { line: 2, column: 'doors', code: 'unknown_door', message: 'no door "b2-door" in this building' },
    ]);
  });

  it('checks the request: dryRun required, CSV or JSON only, an unknown building is a 404', async () => {
    const csv = `${HEADER}\nu1,A,,Alice,,,\n`;
    expect((await call('POST', '/api/v1/buildings/b1/import', csv, CSV)).status).toBe(400);
    const xml = await call('POST', '/api/v1/buildings/b1/import?dryRun=true', '<a/>', {
      ...CSV,
      'content-type': 'application/xml',
    });
    expect(xml.status).toBe(415);
    expect((await importCsv(call, csv, true, 'nope')).status).toBe(404);
    expect((await call('POST', '/api/v1/buildings/b1/import?dryRun=true', { file: csv })).status).toBe(400);
    expect((await call('POST', '/api/v1/buildings/b1/import?dryRun=true', csv, {})).status).toBe(401);
    const doc = (await call('GET', '/api/v1/openapi.json')).body;
    const route = doc.paths['/api/v1/buildings/{id}/import'].post;
    expect(Object.keys(route.requestBody.content)).toEqual(['text/csv', 'application/json']);
    expect(route.description).toMatch(/card_uid +optional/);
  });

  it('applies a good file in one transaction and one publish; the same file again changes nothing', async () => {
    const csv = [
      `${HEADER},doors`,
      'u1,A 1101,,Alice,alice@example.com,+46701234567,04a1b2c3,front',
      'u1,,,Alice,,,04A1B2C4,', // a second card of the same resident
      'u2,A 1102,bertil,Bertil,,,,*',
      'u2,,,Cecilia,,,0102030405060708090A,',
    ].join('\r\n');
    const before = hub.store.panels.published('p1')?.version ?? 0;
    const dry = await importCsv(call, csv, true);
    expect(dry.status).toBe(200);
    expect(dry.body).toMatchObject({ applied: false, dryRun: true, rows: 4, errors: [] });
    expect(dry.body.summary).toEqual({
      units: { created: 2, updated: 0, unchanged: 0 },
      residents: { created: 3, updated: 0, unchanged: 0 },
      cards: { created: 3, updated: 0, unchanged: 0 },
      accessRules: { created: 2, updated: 0, unchanged: 0 },
    });
    expect((await call('GET', '/api/v1/units?buildingId=b1')).body.units).toEqual([]);

    const res = await call('POST', '/api/v1/buildings/b1/import?dryRun=false', { csv });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ applied: true, errors: [], summary: dry.body.summary });
    // One new config version for the panel, whatever the number of rows.
    expect(res.body.config.versions).toEqual([{ panelId: 'p1', version: before + 1 }]);
    const units = (await call('GET', '/api/v1/units?buildingId=b1')).body.units;
    expect(units.map((u: { id: string; name: string }) => [u.id, u.name])).toEqual([
      ['u1', 'A 1101'],
      ['u2', 'A 1102'],
    ]);
    const alice = (await call('GET', '/api/v1/residents?unitId=u1')).body.residents;
    expect(alice).toMatchObject([
      { name: 'Alice', phone: '+46701234567', email: 'alice@example.com', status: 'active' },
    ]);
    const cards = (await call('GET', `/api/v1/cards?residentId=${alice[0].id}`)).body.cards;
    expect(cards.map((c: { uid: string }) => c.uid).sort()).toEqual(['04A1B2C3', '04A1B2C4']);
    expect((await call('GET', '/api/v1/residents/bertil')).body.unitId).toBe('u2');
    // The panel got the import as one new version, holding Alice's cards (her rule opens its door).
    const snapshots = () =>
      panel
        .on('config/desired')
        .map((m) => configSnapshotMessage.parse(m.payload))
        .filter((m) => m.version > before);
    await until(() => snapshots().length > 0, 'the new snapshot');
    expect(snapshots().map((m) => m.version)).toEqual([before + 1]);
    expect(
      snapshots()[0]!
        .data.cards.map((c) => c.uid)
        .sort(),
    ).toEqual(['04A1B2C3', '04A1B2C4']);

    const again = await importCsv(call, csv, false);
    expect(again.status).toBe(200);
    expect(again.body.summary).toEqual({
      units: { created: 0, updated: 0, unchanged: 2 },
      residents: { created: 0, updated: 0, unchanged: 3 },
      cards: { created: 0, updated: 0, unchanged: 3 },
      accessRules: { created: 0, updated: 0, unchanged: 2 },
    });
    expect(again.body.config.versions).toEqual([]);
    expect((await call('GET', '/api/v1/residents')).body.residents).toHaveLength(4);
    expect((await call('GET', '/api/v1/cards')).body.cards).toHaveLength(4);

    // A changed file updates in place: a renamed unit, a moved resident, a new phone number.
    const changed = await importCsv(
      call,
      `${HEADER}\nu1,A 1101 (top),,Alice,,+46709999999,\nu1,,bertil,Bertil,,,\n`,
      false,
    );
    expect(changed.body.summary).toMatchObject({
      units: { updated: 1 },
      residents: { updated: 2, created: 0 },
    });
    expect((await call('GET', '/api/v1/residents/bertil')).body.unitId).toBe('u1');
  });

  it('takes a 10,000-resident file (beyond the 256 KiB JSON bound, which other routes keep)', async () => {
    const rows = [HEADER];
    for (let i = 0; i < 10_000; i++)
      rows.push(
        `big-${i % 2500},Unit ${i % 2500},,Resident ${i},,,${(0x10000000 + i).toString(16).toUpperCase()}`,
      );
    const csv = rows.join('\n');
    expect(csv.length).toBeGreaterThan(256 * 1024);
    const dry = await importCsv(call, csv, true);
    expect(dry.status).toBe(200);
    expect(dry.body.summary.residents.created).toBe(10_000);
    const res = await importCsv(call, csv, false);
    expect(res.status).toBe(200);
    expect(res.body.summary.cards.created).toBe(10_000);
    expect((await call('GET', '/api/v1/units?buildingId=b1')).body.units).toHaveLength(2500 + 2);
    const big = { id: 'u-big', buildingId: 'b1', name: 'x'.repeat(300 * 1024) };
    expect((await call('POST', '/api/v1/units', big)).status).toBe(413);
  }, 60_000);
});
