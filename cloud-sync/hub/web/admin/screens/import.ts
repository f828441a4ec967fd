/**
 * CSV import of the building's units, residents and cards. Pick a file, check it (a dry run: the hub
 * plans and runs every write, then rolls them back, and reports every bad row with its line and column);
 * "Apply" is enabled only after a clean dry run of that same file, and answers the config version each
 * panel got. Any bad row means the hub changed nothing.
 */
import type { ImportReportView } from '../../../../protocol/admin-import.ts';
import { MoreApi } from '../api-more.ts';
import { button, h, replace, table } from '../dom.ts';
import { outcomeText } from '../format.ts';
import { busy, errorText, field } from '../forms.ts';
import type { Screen, ScreenContext } from '../nav.ts';

/** The hub's bound on an import body (import/csv-columns.ts MAX_IMPORT_BYTES). */
const MAX_BYTES = 16 * 1024 * 1024;

const COLUMNS = 'unit_id, unit_name, resident_id, name, email, phone, card_uid, doors';

function summaryTable(report: ImportReportView): HTMLElement {
  const rows = (['units', 'residents', 'cards', 'accessRules'] as const).map((k) => {
    const c = report.summary[k];
    return [
      k === 'accessRules' ? 'access rules' : k,
      String(c.created),
      String(c.updated),
      String(c.unchanged),
    ];
  });
  return table('import-summary', ['', 'New', 'Changed', 'Unchanged'], rows, '');
}

function errorsTable(report: ImportReportView): HTMLElement {
  const rows = report.errors.map((e) => [
    h('span', { testid: 'import-error-line' }, String(e.line)),
    e.column ?? '(whole row)',
    h('span', { testid: 'import-error-message' }, e.message),
  ]);
  return h(
    'div',
    {},
    table('import-errors', ['Line', 'Column', 'Problem'], rows, ''),
    report.errorsNotShown > 0 ? h('p', { class: 'hint' }, `… and ${report.errorsNotShown} more.`) : null,
  );
}

function reportView(report: ImportReportView): HTMLElement {
  const bad = report.errors.length + report.errorsNotShown;
  const headline = bad
    ? h(
        'p',
        { class: 'result bad', testid: 'import-verdict' },
        `${bad} problem(s) in ${report.rows} row(s): nothing was changed. Fix the file and check it again.`,
      )
    : report.applied
      ? h(
          'p',
          { class: 'result ok', testid: 'import-verdict' },
          `Imported ${report.rows} row(s). ${report.config ? outcomeText(report.config) : ''}`,
        )
      : h(
          'p',
          { class: 'result ok', testid: 'import-verdict' },
          `${report.rows} row(s), no problems (dry run: nothing was changed). Apply to import them.`,
        );
  const versions = report.config?.versions.length
    ? table(
        'import-versions',
        ['Panel', 'Config version published'],
        report.config.versions.map((v) => [v.panelId, String(v.version)]),
        '',
      )
    : null;
  return h(
    'div',
    {},
    headline,
    bad ? errorsTable(report) : null,
    h('h3', {}, report.applied ? 'What was imported' : 'What an apply would do'),
    summaryTable(report),
    versions ? h('h3', {}, 'Config versions') : null,
    versions,
  );
}

function importForm(ctx: ScreenContext): HTMLElement {
  const more = new MoreApi(ctx.api);
  const buildingId = ctx.building!.id;
  const file = h('input', { type: 'file', name: 'file', accept: '.csv,text/csv', testid: 'import-file' });
  const out = h('div', { testid: 'import-report', 'aria-live': 'polite' });
  // The bytes of the file whose dry run was clean: only those bytes can be applied.
  let checked: ArrayBuffer | null = null;
  const read = async (): Promise<ArrayBuffer> => {
    const picked = file.files?.[0];
    if (!picked) throw new Error('pick a CSV file first');
    if (picked.size > MAX_BYTES) throw new Error(`the file is larger than ${MAX_BYTES / 1024 / 1024} MiB`);
    return picked.arrayBuffer();
  };
  const fail = (err: unknown) =>
    replace(out, h('p', { class: 'result bad', role: 'alert', testid: 'import-verdict' }, errorText(err)));
  const check: HTMLButtonElement = button(
    'Check (dry run)',
    () =>
      void busy(check, async () => {
        checked = null;
        apply.disabled = true;
        replace(out, h('p', { class: 'result' }, 'Checking…'));
        try {
          const csv = await read();
          const report = await more.importCsv(buildingId, csv, true);
          if (!ctx.isActive()) return;
          replace(out, reportView(report));
          if (report.errors.length === 0 && report.errorsNotShown === 0) {
            checked = csv;
            apply.disabled = false;
          }
        } catch (err) {
          fail(err);
        }
      }),
    { class: 'primary', testid: 'import-check' },
  );
  const apply: HTMLButtonElement = button(
    'Apply',
    () => {
      const csv = checked;
      if (csv === null) return;
      apply.disabled = true;
      check.disabled = true;
      replace(out, h('p', { class: 'result' }, 'Importing…'));
      void (async () => {
        try {
          const report = await more.importCsv(buildingId, csv, false);
          if (ctx.isActive()) replace(out, reportView(report));
        } catch (err) {
          fail(err);
        } finally {
          checked = null;
          check.disabled = false;
        }
      })();
    },
    { testid: 'import-apply', disabled: true },
  );
  // Another file (or the same one picked again, perhaps edited) needs its own dry run.
  file.addEventListener('change', () => {
    checked = null;
    apply.disabled = true;
    replace(out);
  });
  return h(
    'section',
    { class: 'card', testid: 'import-form' },
    h('h2', {}, `Import into ${ctx.building!.name}`),
    h(
      'p',
      { class: 'hint' },
      `A CSV file with a header row; columns ${COLUMNS}. One row per resident and card; `,
      'existing units and residents are matched by id (or by name within the unit) and updated.',
    ),
    field('CSV file', file),
    h('div', { class: 'row' }, check, apply),
    out,
  );
}

export const importScreen: Screen = {
  id: 'import',
  title: 'CSV import',
  render: (ctx) => importForm(ctx),
};
