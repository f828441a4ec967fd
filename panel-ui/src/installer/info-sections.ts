/**
 * The console's other sections: network and hub, clock, disk, the panel's identity, pairing (a slot for
 * the pairing view), the log export and the factory reset.
 */
import type { SelfTestReply } from '../../../cloud-sync/protocol/installer-api.ts';
import { button, h } from '../dom.ts';
import type { InstallerContext, InstallerTexts } from './context.ts';
import { failed, type Section, section, statusLine } from './hardware-sections.ts';
import { mountPairing } from './pairing-slot.ts';

function facts(rows: [string, string, string][]): HTMLDListElement {
  return h(
    'dl',
    { class: 'facts' },
    ...rows.flatMap(([label, value, testid]) => [h('dt', {}, label), h('dd', { testid }, value)]),
  );
}

function when(lang: string, ms: number): string {
  return new Intl.DateTimeFormat(lang, { dateStyle: 'short', timeStyle: 'medium' }).format(ms);
}

function bytes(lang: string, n: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let i = 0;
  while (n >= 1000 && i < units.length - 1) {
    n /= 1000;
    i++;
  }
  return `${new Intl.NumberFormat(lang, { maximumFractionDigits: 1 }).format(n)} ${units[i]}`;
}

function duration(lang: string, s: number): string {
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const format = (n: number, unit: 'hour' | 'minute') =>
    new Intl.NumberFormat(lang, { style: 'unit', unit, unitDisplay: 'short' }).format(n);
  return h > 0 ? `${format(h, 'hour')} ${format(m, 'minute')}` : format(m, 'minute');
}

/** `stopLive` ends the live stream (whose end would otherwise send the page to the PIN mid-reset). */
export function infoSections(ctx: InstallerContext, f: SelfTestReply, stopLive: () => void): Section[] {
  const t = ctx.t();
  const lang = ctx.lang();
  const { broker, hub } = f.network;
  return [
    {
      element: section(
        'network',
        t.network.heading,
        facts([
          [
            t.network.broker,
            !broker.configured
              ? t.network.offline
              : broker.connected
                ? t.network.connected
                : t.network.disconnected,
            'network-broker',
          ],
          [t.network.hub, t.network.config(hub.configVersion, hub.configEpoch), 'network-hub'],
          [
            t.network.lastConfig,
            hub.lastConfigAt === null ? t.network.never : when(lang, hub.lastConfigAt),
            'network-last-config',
          ],
        ]),
      ),
    },
    {
      element: section(
        'clock',
        t.clock.heading,
        facts([[t.clock[f.clock.sync], when(lang, f.clock.now), 'clock']]),
      ),
    },
    {
      element: section(
        'disk',
        t.disk.heading,
        h(
          'p',
          { testid: 'disk' },
          t.disk.free(bytes(lang, f.disk.freeBytes), bytes(lang, f.disk.totalBytes)),
        ),
      ),
    },
    {
      element: section(
        'identity',
        t.identity.heading,
        facts([
          [t.identity.id, f.identity.panelId, 'identity-id'],
          [t.identity.name, f.identity.panelName, 'identity-name'],
          [t.identity.building, f.identity.buildingName ?? t.unknown, 'identity-building'],
          [
            t.identity.version,
            f.software.commit ? `${f.software.version} (${f.software.commit})` : f.software.version,
            'identity-version',
          ],
          [t.identity.uptime, duration(lang, f.uptimeS), 'identity-uptime'],
        ]),
      ),
    },
    pairingSection(ctx, f),
    logsSection(ctx),
    resetSection(ctx, stopLive),
  ];
}

function pairingSection(ctx: InstallerContext, f: SelfTestReply): Section {
  const t = ctx.t();
  const slot = h('div', { class: 'pairing-slot', testid: 'pairing-slot' });
  mountPairing(slot, t, f);
  return { element: section('pairing', t.pairing.heading, slot) };
}

function logsSection(ctx: InstallerContext): Section {
  const t = ctx.t();
  const status = statusLine('logs-status');
  const download = button(
    { testid: 'logs-download' },
    async () => {
      try {
        const { text, filename } = await ctx.api.logs();
        const a = h('a', {
          href: URL.createObjectURL(new Blob([text], { type: 'application/x-ndjson' })),
          download: filename,
          hidden: true,
        });
        document.body.append(a);
        a.click();
        a.remove();
        status.textContent = t.logs.done(text ? text.trimEnd().split('\n').length : 0);
      } catch (err) {
        status.textContent = failed(t, err);
      }
    },
    t.logs.download,
  );
  return { element: section('logs', t.logs.heading, download, status) };
}

function resetSection(ctx: InstallerContext, stopLive: () => void): Section {
  const t: InstallerTexts = ctx.t();
  const status = statusLine('reset-status');
  const input = h('input', {
    id: 'reset-word',
    class: 'reset-word',
    autocomplete: 'off',
    spellcheck: 'false',
    testid: 'reset-word',
  });
  const start: HTMLButtonElement = button(
    { class: 'danger', testid: 'reset-start', disabled: true },
    async () => {
      start.disabled = true;
      stopLive();
      try {
        await ctx.api.factoryReset();
        status.textContent = t.reset.erasing;
        status.dataset['state'] = 'erasing';
        ctx.api.forget();
        await backAfterRestart();
        ctx.showPin(t.reset.done);
      } catch (err) {
        status.textContent = failed(t, err);
        start.disabled = false;
      }
    },
    t.reset.start,
  );
  input.addEventListener('input', () => {
    start.disabled = input.value.trim().toLowerCase() !== t.reset.word;
  });
  return {
    element: section(
      'reset',
      t.reset.heading,
      h('p', { class: 'warning' }, t.reset.warning),
      h('label', { for: 'reset-word' }, t.reset.typeWord(t.reset.word)),
      input,
      start,
      status,
    ),
  };
}

/** Waits for the panel to go away and come back (it restarts after erasing). */
async function backAfterRestart(): Promise<void> {
  const deadline = Date.now() + 60_000;
  let sawDown = false;
  let first: number | undefined;
  while (Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 500));
    try {
      const health = (await (await fetch('/healthz')).json()) as { uptimeS: number };
      // Back: after an unanswered poll, or a younger process than the first one that answered.
      if (sawDown || (first !== undefined && health.uptimeS < first)) return;
      first ??= health.uptimeS;
    } catch {
      sawDown = true;
    }
  }
}
