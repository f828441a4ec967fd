import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openHubStore } from '../../../cloud-sync/hub/store/hub-store.ts';
import { SystemClock } from '../../../lib/clock/clock.ts';
import { silentLogger } from '../../../lib/log/logger.ts';
import { hubCli } from '../../support/hub-cli.ts';
import { tempDir } from '../../support/temp-dir.ts';

/** What the hub database holds, read the way the hub reads it. */
function residents(dataDir: string): string[] {
  const store = openHubStore(join(dataDir, 'hub.db'), { clock: new SystemClock(), logger: silentLogger });
  try {
    return store.entities.list('residents').map((r) => `${r.unitId}:${r.name}`);
  } finally {
    store.close();
  }
}

describe('portvakt-hub import', () => {
  it('checks with --dry-run, refuses a file with bad rows (listing them), applies, and re-imports without duplicates', async () => {
    const data = tempDir();
    const run = (...argv: string[]) => hubCli(data, ...argv);
    expect(
      (await run('building', 'add', '--id', 'b1', '--name', 'S', '--time-zone', 'Europe/Stockholm')).code,
    ).toBe(0);
    const good = join(tempDir(), 'good.csv');
    writeFileSync(good, 'unit_id,unit_name,name,card_uid\nu1,1101,Alice,04a1b2c3\nu1,,Bob,\n');
    const bad = join(tempDir(), 'bad.csv');
    writeFileSync(bad, 'unit_id,unit_name,name,card_uid\nu1,1101,Alice,04a1b2c3\nu2,,Carl,\nu1,,Dora,xyz\n');

    const dry = await run('import', '--building', 'b1', '--file', good, '--dry-run');
    expect(dry.err).toBe('');
    expect(dry.code).toBe(0);
    expect(JSON.parse(dry.out)).toMatchObject({
      dryRun: true,
      applied: false,
      summary: { residents: { created: 2 } },
    });
    expect(residents(data)).toEqual([]);

    const refused = await run('import', '--building', 'b1', '--file', bad);
    expect(refused.code).toBe(1);
    expect(refused.err).toBe(
      'line 3, column unit_id: no unit "u2" in this building (give unit_name to create it) (unknown_unit)\n' +
        'line 4, column card_uid: must be 4, 7 or 10 bytes of hex (8, 14 or 20 digits) (invalid)\n',
    );
    expect(residents(data)).toEqual([]);

    const applied = await run('import', '--building', 'b1', '--file', good);
    expect(applied.code).toBe(0);
    expect(JSON.parse(applied.out).applied).toBe(true);
    expect(residents(data).sort()).toEqual(['u1:Alice', 'u1:Bob']);
    const again = await run('import', '--building', 'b1', '--file', good);
    expect(JSON.parse(again.out).summary.residents).toEqual({ created: 0, updated: 0, unchanged: 2 });
    expect(residents(data)).toHaveLength(2);
  });

  it('explains itself and refuses bad arguments with exit code 2', async () => {
    const data = tempDir();
    const help = await hubCli(data, 'import', '--help');
    expect(help.code).toBe(0);
    expect(help.out).toMatch(/card_uid +optional/);
    expect(help.out).toMatch(/--dry-run/);
    const missing = await hubCli(data, 'import', '--building', 'b1');
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/--file is required/);
    const nofile = await hubCli(data, 'import', '--building', 'b1', '--file', join(data, 'nope.csv'));
    expect(nofile.code).toBe(2);
    expect(nofile.err).toMatch(/cannot read .*ENOENT/);
    expect((await hubCli(data, '--help')).out).toMatch(/import +import a building's/);
  });
});
