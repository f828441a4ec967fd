/**
 * Panels and doors of the building, live: each panel's status (online, last seen, config version
 * published vs applied, open alarms, doors the hub and the panel disagree on) is read again every few
 * seconds; each door has a remote-open button that shows what the panel answered.
 */
import type { PanelStatusReply } from '../../../../protocol/admin-panels.ts';
import type { DoorView, PanelView } from '../../../../protocol/hub-entities.ts';
import type { AdminApi } from '../api.ts';
import { commandOutcome, commandText } from '../commands.ts';
import { append, badge, button, h, replace, table } from '../dom.ts';
import { ago, dateTime } from '../format.ts';
import { busy, errorText, feedback, field, input, onSubmit } from '../forms.ts';
import type { Screen, ScreenContext } from '../nav.ts';

/** How often the panels' status is read again. */
const REFRESH_MS = 3000;

function configFacts(s: PanelStatusReply): HTMLElement[] {
  const { publishedVersion, reportedVersion, reportedStatus, rejectedVersion, rejectReason } = s.config;
  const inSync = publishedVersion !== null && reportedVersion === publishedVersion;
  const applied = h(
    'span',
    { testid: 'config-versions' },
    `published ${publishedVersion ?? '—'} · applied ${reportedVersion ?? '—'} `,
    publishedVersion === null
      ? badge('nothing published', 'plain')
      : inSync
        ? badge('in sync', 'ok', 'config-sync')
        : badge('behind', 'warn', 'config-sync'),
  );
  const facts: HTMLElement[] = [h('dt', {}, 'Config version'), h('dd', {}, applied)];
  if (reportedStatus === 'rejected' || rejectedVersion !== null)
    facts.push(
      h('dt', {}, 'Rejected'),
      h(
        'dd',
        { class: 'result bad' },
        `version ${rejectedVersion ?? '—'}: ${rejectReason ?? 'no reason given'}`,
      ),
    );
  return facts;
}

/** Open alarms: a config version the hub never published, and doors the two sides disagree on. */
function alarms(s: PanelStatusReply): HTMLElement {
  const items: string[] = [];
  const alarm = s.config.alarm;
  if (alarm && alarm.clearedAt === null)
    items.push(
      `reported config version ${alarm.reportedVersion}, which the hub never published (since ${dateTime(alarm.at)}); ` +
        'recover it with a new config epoch',
    );
  for (const id of s.doors?.missingOnPanel ?? [])
    items.push(`door "${id}" exists here but is not wired on the panel (panel.yaml): it can never open`);
  for (const id of s.doors?.unknownAtHub ?? [])
    items.push(`the panel has door "${id}" wired, which the hub does not have for it: it never grants`);
  if (items.length === 0) return h('span', { testid: 'panel-alarms' }, badge('none', 'ok'));
  const list = h('ul', { class: 'issues', testid: 'panel-alarms' });
  for (const item of items) append(list, h('li', {}, item));
  return list;
}

function statusBlock(s: PanelStatusReply): HTMLElement {
  const online = s.online ? badge('online', 'ok', 'panel-online') : badge('offline', 'bad', 'panel-online');
  return h(
    'div',
    {},
    h(
      'dl',
      { class: 'facts' },
      h('dt', {}, 'Connection'),
      h('dd', {}, online),
      // The panel publishes its state when it connects and its broker will when it drops, so while
      // online "last seen" is now; offline, it is when the connection ended.
      h('dt', {}, 'Last seen'),
      h(
        'dd',
        { testid: 'panel-last-seen', title: dateTime(s.state?.at) },
        s.online ? `now (connected since ${dateTime(s.state?.at)})` : ago(s.state?.at),
      ),
      ...configFacts(s),
      h('dt', {}, 'Software'),
      h('dd', {}, s.state?.software ?? '—'),
      h('dt', {}, 'Open alarms'),
      h('dd', {}, alarms(s)),
    ),
  );
}

function doorRow(ctx: ScreenContext, door: DoorView): (Node | string)[] {
  const outcome = h('span', { class: 'result', role: 'status', testid: 'door-outcome' });
  const open: HTMLButtonElement = button(
    'Open',
    () =>
      void busy(open, async () => {
        outcome.className = 'result';
        outcome.textContent = 'Sending…';
        try {
          const sent = await ctx.api.openDoor(door.id, {
            onBehalfOf: { kind: 'admin', id: ctx.me.accountId ?? ctx.me.actor },
            reason: `remote open by ${ctx.me.actor} in WebAdmin`,
          });
          outcome.textContent = 'Sent, waiting for the panel…';
          const done = await commandOutcome(ctx.api, sent.nonce, ctx.isActive);
          if (!done) return;
          outcome.className = `result ${done.status === 'done' ? 'ok' : 'bad'}`;
          outcome.textContent = commandText(done, `Opened (${dateTime(done.resultAt)}).`);
        } catch (err) {
          outcome.className = 'result bad';
          outcome.textContent = errorText(err);
        }
      }),
    { testid: 'door-open', 'data-door-id': door.id },
  );
  return [door.name, h('code', {}, door.id), h('span', { class: 'row' }, open, outcome)];
}

function addDoorForm(ctx: ScreenContext, panel: PanelView): HTMLElement {
  const id = input('id', { required: true, maxlength: 63, placeholder: 'front-door' });
  const name = input('name', { required: true, maxlength: 200, placeholder: 'Front door' });
  const form = h(
    'form',
    { class: 'row', testid: 'door-add' },
    field('Door id (as in panel.yaml)', id),
    field('Name', name),
    h('button', { type: 'submit' }, 'Add door'),
  );
  const fb = feedback('door-add-result', form);
  onSubmit(form, fb, async () => {
    await ctx.api.create('doors', { id: id.value.trim(), panelId: panel.id, name: name.value.trim() });
    ctx.refresh();
  });
  return h('div', {}, form, fb.el);
}

async function panelCard(ctx: ScreenContext, panel: PanelView, doors: DoorView[], api: AdminApi) {
  const status = h('div', { testid: 'panel-status' });
  const load = async () => {
    const s = await api.panelStatus(panel.id);
    if (ctx.isActive()) replace(status, statusBlock(s));
  };
  try {
    await load();
  } catch (err) {
    replace(status, h('p', { class: 'result bad' }, errorText(err)));
  }
  ctx.every(REFRESH_MS, load);
  const mine = doors.filter((d) => d.panelId === panel.id);
  return h(
    'section',
    { class: 'card', testid: 'panel', 'data-panel-id': panel.id },
    h('div', { class: 'row' }, h('h2', {}, panel.name), h('code', {}, panel.id)),
    status,
    h('h3', {}, 'Doors'),
    table(
      'doors',
      ['Door', 'Id', 'Remote open'],
      mine.map((d) => doorRow(ctx, d)),
      'No doors yet.',
    ),
    addDoorForm(ctx, panel),
  );
}

export const panelsScreen: Screen = {
  id: 'panels',
  title: 'Panels & doors',
  render: async (ctx) => {
    const buildingId = ctx.building!.id;
    const [panels, doors] = await Promise.all([
      ctx.api.list('panels', { buildingId }),
      ctx.api.list('doors', { buildingId }),
    ]);
    if (panels.length === 0)
      return h(
        'p',
        { class: 'empty' },
        'No panels in this building yet: pair one (Pair a panel, with the code on its screen), or the operator provisions it (portvakt-hub provision, docs/operating.md).',
      );
    const cards = await Promise.all(panels.map((p) => panelCard(ctx, p, doors, ctx.api)));
    return h('div', {}, ...cards);
  },
};
