import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Hub } from '../../../cloud-sync/hub/main.ts';
import { parseHubSettings } from '../../../cloud-sync/hub/settings.ts';
import { silentLogger } from '../../../lib/log/logger.ts';
import { freePort } from '../../../scripts/lab/free-port.ts';
import { type PrometheusHandle, promtool, startPrometheus } from '../../../scripts/lab/prometheus.ts';
import { until } from '../../../scripts/lab/until.ts';
import { panelConfig } from '../../support/configs.ts';
import { api } from '../../support/http.ts';
import { type PanelProcess, startPanel, writeConfig } from '../../support/panel-process.ts';
import { tempDir } from '../../support/temp-dir.ts';

const PANEL_TOKEN = 'panel-scrape-token-0123456789';
const HUB_TOKEN = 'hub-scrape-token-0123456789';
const BROKER_SECRET = 'broker-auth-secret-0123456789';
/** Grafana fills in the data source the importer picks. */
const DS_INPUT = ['$', '{DS_PROMETHEUS}'].join('');
const DEPLOY = new URL('../../../deploy/', import.meta.url).pathname;

// Debian's real Prometheus scraping a real panel process (simulated hardware) and an in-process hub.
describe('metrics scraped by Prometheus', () => {
  let dir: string;
  let panel: PanelProcess | undefined;
  let hub: Hub | undefined;
  let prometheus: PrometheusHandle | undefined;
  let panelMetrics = '';
  let hubMetrics = '';

  beforeAll(async () => {
    dir = tempDir('portvakt-metrics-');
    const metricsPort = await freePort();
    const config = {
      ...panelConfig({ storePath: join(dir, 'panel.db') }),
      metrics: { host: '127.0.0.1', port: metricsPort, token: PANEL_TOKEN },
    };
    panel = await startPanel(['--config', writeConfig(dir, config)]);
    panelMetrics = `http://127.0.0.1:${metricsPort}`;
    hub = new Hub(
      parseHubSettings({
        dataDir: join(dir, 'hub'),
        adminToken: 'test-admin-token-0123456789',
        // No broker: the HTTP side and its metrics run without one (mqtt_connected says 0).
        mqtt: { url: 'mqtt://127.0.0.1:9', backoff: { initialMs: 60_000, maxMs: 60_000 } },
        http: { host: '127.0.0.1', port: 0 },
        residentApp: { brokerAuthSecret: BROKER_SECRET },
        metrics: { token: HUB_TOKEN },
        recompileIntervalMs: 0,
      }),
      { logger: silentLogger },
    );
    await hub.start();
    hubMetrics = `http://127.0.0.1:${hub.apiAddress().port}`;
    writeFileSync(join(dir, 'panel.token'), PANEL_TOKEN);
    writeFileSync(join(dir, 'hub.token'), HUB_TOKEN);
    prometheus = await startPrometheus(
      dir,
      `global: { scrape_interval: 1s }
scrape_configs:
  - job_name: portvakt-panel
    authorization: { credentials_file: panel.token }
    static_configs: [{ targets: ['${new URL(panelMetrics).host}'] }]
  - job_name: portvakt-hub
    authorization: { credentials_file: hub.token }
    static_configs: [{ targets: ['${new URL(hubMetrics).host}'] }]
`,
    );
  });

  afterAll(async () => {
    await prometheus?.stop();
    await panel?.stop();
    await hub?.stop();
  });

  const scrape = async (base: string, token: string) => {
    const res = await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
    return res.text();
  };
  const seen = (expr: string, what: string) =>
    until(async () => Number((await prometheus!.query(expr))[0]?.value[1] ?? 0) >= 1, what, 20_000, 250);

  it('brings both targets up in Prometheus', async () => {
    await seen('sum(up{job=~"portvakt-panel|portvakt-hub"})', 'a first scrape');
    await until(
      async () => (await prometheus!.query('sum(up)'))[0]?.value[1] === '2',
      'both targets up',
      20_000,
      250,
    );
  });

  it('shows a refused card, an exit pulse and a forced door in Prometheus', async () => {
    const tap = await api(panel!.base, 'POST', '/api/v1/sim/readers/entrance-reader/tap', {
      uid: '04A1B2C3',
    });
    expect(tap.body).toMatchObject({ granted: false, reason: 'unknown_card' });
    await api(panel!.base, 'POST', '/api/v1/sim/inputs/entrance.exitButton', { active: true });
    await api(panel!.base, 'POST', '/api/v1/sim/inputs/entrance.exitButton', { active: false });
    await seen(
      'portvakt_card_decisions_total{outcome="denied",reason="unknown_card"}',
      'the refused card in Prometheus',
    );
    await seen('portvakt_relay_pulses_total{door="entrance",cause="exit_button"}', 'the exit pulse');
    // The exit shunt covers the door opening just after the press; wait for the relock, then force it.
    await until(
      async () => (await api(panel!.base, 'GET', '/api/v1/doors')).body.doors?.[0]?.locked,
      'relock',
    );
    await api(panel!.base, 'POST', '/api/v1/sim/inputs/entrance.doorContact', { active: true });
    await seen('portvakt_door_alarms_total{door="entrance",kind="forced_open"}', 'the forced-open alarm');
    await seen('portvakt_door_alarm_active{door="entrance",kind="forced_open"}', 'the active alarm');
    await seen('count(nodejs_eventloop_lag_p99_seconds{job="portvakt-panel"})', 'event-loop lag');
    // No card number reaches the scrape.
    expect(await scrape(panelMetrics, PANEL_TOKEN)).not.toContain('04A1B2C3');
  }, 60_000);

  it("shows the hub's requests by route template and its broker decisions", async () => {
    const res = await api(
      hubMetrics,
      'POST',
      '/api/v1/broker/auth',
      { username: 'nobody', password: 'x', clientid: 'nobody' },
      {
        authorization: `Bearer ${BROKER_SECRET}`,
      },
    );
    expect(res.status).toBe(403);
    await api(hubMetrics, 'GET', '/api/v1/panels/some-panel-id', undefined, {
      authorization: 'Bearer wrong',
    });
    await seen('portvakt_hub_broker_auth_total{check="auth",result="deny"}', 'the refused broker login');
    await seen(
      'portvakt_hub_http_requests_total{route="/api/v1/broker/auth",status="403"}',
      'the request by route',
    );
    const text = await scrape(hubMetrics, HUB_TOKEN);
    expect(text).not.toContain('some-panel-id');
    expect(text).toContain('portvakt_hub_mqtt_connected 0');
  }, 30_000);

  it('refuses scrapes without the token, other methods and other paths', async () => {
    expect((await fetch(`${panelMetrics}/metrics`)).status).toBe(401);
    expect((await fetch(`${panelMetrics}/metrics`, { method: 'POST' })).status).toBe(405);
    expect((await fetch(`${hubMetrics}/metrics`)).status).toBe(401);
    expect(
      (
        await fetch(`${hubMetrics}/metrics`, {
          headers: { authorization: 'Bearer test-admin-token-0123456789' },
        })
      ).status,
    ).toBe(401);
    expect(
      (
        await fetch(`${hubMetrics}/metrics`, {
          method: 'POST',
          headers: { authorization: `Bearer ${HUB_TOKEN}` },
        })
      ).status,
    ).toBe(405);
  });

  it('passes promtool check metrics for both scrapes', async () => {
    for (const [base, token] of [
      [panelMetrics, PANEL_TOKEN],
      [hubMetrics, HUB_TOKEN],
    ] as const) {
      const r = promtool(['check', 'metrics'], await scrape(base, token));
      expect(r.output).toBe('');
      expect(r.status).toBe(0);
    }
  });

  it('passes promtool check config on the shipped example (token files beside it)', () => {
    const etc = tempDir('portvakt-prometheus-etc-');
    copyFileSync(join(DEPLOY, 'prometheus/prometheus.yml'), join(etc, 'prometheus.yml'));
    writeFileSync(join(etc, 'portvakt-panel.token'), PANEL_TOKEN);
    writeFileSync(join(etc, 'portvakt-hub.token'), HUB_TOKEN);
    const r = promtool(['check', 'config', join(etc, 'prometheus.yml')]);
    expect(r.output).toContain('SUCCESS');
    expect(r.status).toBe(0);
  });

  it('has a dashboard whose every expression names metrics the panel or the hub exports', async () => {
    const dashboard = JSON.parse(readFileSync(join(DEPLOY, 'grafana/portvakt-dashboard.json'), 'utf8'));
    expect(dashboard.__inputs.map((i: { name: string }) => i.name)).toEqual(['DS_PROMETHEUS']);
    const exported = new Set<string>();
    for (const text of [await scrape(panelMetrics, PANEL_TOKEN), await scrape(hubMetrics, HUB_TOKEN)])
      for (const m of text.matchAll(/^# TYPE (\S+) (\S+)/gm)) {
        exported.add(m[1]!);
        if (m[2] === 'histogram') for (const s of ['_bucket', '_sum', '_count']) exported.add(m[1]! + s);
      }
    const exprs: string[] = dashboard.panels.flatMap((p: { targets?: { expr: string }[] }) =>
      (p.targets ?? []).map((t) => t.expr),
    );
    expect(exprs.length).toBeGreaterThan(15);
    for (const expr of exprs) {
      const names = [...expr.matchAll(/\b(?:portvakt|nodejs|process)_[a-z0-9_]+/g)].map((m) => m[0]);
      expect(names.length, expr).toBeGreaterThan(0);
      for (const name of names) expect(exported.has(name), `${name} in ${expr}`).toBe(true);
    }
    for (const p of dashboard.panels)
      for (const t of p.targets ?? []) expect(t.datasource.uid).toBe(DS_INPUT);
  });
});
