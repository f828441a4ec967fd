/** What `npm start` prints once everything runs: the panel's examples plus the hub's. */
import type { PanelConfig } from '../../device/config/schema.ts';
import { panelBannerLines } from '../../device/sim/banner.ts';
import { DEMO_CARDS } from '../../device/sim/demo-building.ts';

export interface BannerInput {
  config: PanelConfig;
  panelPort: number;
  installerToken: string;
  /** The installer PIN `provision` generated (random per start, shown only here). */
  installerPin: string;
  hubBase: string;
  adminToken: string;
  brokerUrl: string;
  brokerWsUrl: string;
  panelId: string;
  /** A demo resident's app login (the password is random per start, shown only here). */
  residentLogin: { residentId: string; password: string };
  /** The demo building administrator's WebAdmin login (random per start, shown only here). */
  webAdmin: { username: string; password: string };
  /** The phone fallback's block (sip.ts): the phone-only resident's bell and phone, or why it is off. */
  phoneLines: string[];
}

export function printBanner(b: BannerInput): void {
  const auth = `-H 'authorization: Bearer ${b.adminToken}'`;
  const json = `-H 'content-type: application/json'`;
  const panelBase = `http://127.0.0.1:${b.panelPort}`;
  const reader = b.config.readers[0]?.id ?? 'READER';
  const door = b.config.doors[0]?.id ?? 'DOOR';
  const lines = [
    '',
    `portvakt simulator — panel "${b.config.panel.name}", its hub and an MQTT broker are running`,
    `  hub API       ${b.hubBase}   (OpenAPI: ${b.hubBase}/api/v1/openapi.json, admin token below)`,
    `  MQTT broker   ${b.brokerUrl}   (embedded, MQTT 3.1.1; WebSocket ${b.brokerWsUrl} for the resident app)`,
    `  Resident app  ${b.hubBase}/app/   log in as ${b.residentLogin.residentId} / ${b.residentLogin.password}`,
    `  WebAdmin      ${b.hubBase}/admin/   log in as ${b.webAdmin.username} / ${b.webAdmin.password}`,
    '                the first login enrols a TOTP second factor; no authenticator app at hand?',
    '                `npm run -s totp -- SECRET` prints the code for the secret WebAdmin shows',
    '  The demo building (20 residents with cards) was loaded through the hub and synced to the panel.',
    '',
    ...panelBannerLines(b.config, { host: '127.0.0.1', port: b.panelPort }, b.installerToken, b.installerPin),
    '',
    "  Revoke Anna's card at the hub — the answer comes once the panel has applied it — then tap it again",
    '  (denied: revoked; config.notApplied would name a panel that had not applied it within the wait):',
    `    curl -s -X POST '${b.hubBase}/api/v1/cards/card-resident-01/revoke?wait=5000' ${auth}`,
    `    curl -s -X POST ${panelBase}/api/v1/sim/readers/${reader}/tap ${json} -d '{"uid":"${DEMO_CARDS.resident}"}'`,
    '  Open the door from the cloud (a signed command through the broker):',
    `    curl -s -X POST ${b.hubBase}/api/v1/doors/${door}/open ${auth} ${json} -d '{"onBehalfOf":{"kind":"admin","id":"me"},"reason":"delivery"}'`,
    '  The panel events the hub has received:',
    `    curl -s '${b.hubBase}/api/v1/events?panel=${b.panelId}&limit=20' ${auth}`,
    '',
    ...b.phoneLines,
    '',
    '  Ctrl-C stops the panel (every relay locked), the hub, the SIP edge and the broker.',
    '',
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}
