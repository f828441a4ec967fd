/**
 * `portvakt-hub sip …`: a panel's SIP account for the phone fallback after provisioning. `rotate` gives the
 * panel a new SIP password (a leaked one, or a panel provisioned before the hub had a SIP edge) and writes
 * the `intercom.phone` section with it to a new file (0600), the only place it appears; `remove` ends the
 * panel's account (removing the panel does so too). The edge database follows (sip-edge-flags.ts).
 */
import { existsSync } from 'node:fs';
import { stringify } from 'yaml';
import { SystemClock } from '../../../lib/clock/clock.ts';
import { NotFoundError, ValidationError } from '../../../lib/errors.ts';
import { writePrivateFile } from '../../../lib/fs/private-files.ts';
import { issuePanelSipAccount } from '../sip/panel-account.ts';
import { withStore } from './admin.ts';
import {
  type CliIo,
  DATA_DIR_HELP,
  DATA_DIR_OPTION,
  parse,
  printJson,
  required,
  showHelp,
} from './common.ts';
import { SIP_EDGE_HELP, SIP_EDGE_OPTIONS, sipEdgeFlags, writeEdgeNow } from './sip-edge-flags.ts';

export const SIP_COMMANDS: Record<string, string> = {
  'sip rotate': 'give a panel a new SIP password (phone fallback); writes its intercom.phone section',
  'sip remove': "end a panel's SIP account (no more phone calls from it)",
};

const USAGES: Record<string, string> = {
  'sip rotate': `usage: portvakt-hub sip rotate --panel-id ID --out FILE --sip-edge-url URL --sip-domain D [--sip-ca FILE]

Gives the panel a new random SIP password: the old one stops working as soon as the hub has written the
SIP edge's database. FILE (new, 0600) gets the panel.yaml section to replace intercom.phone with; then
restart the panel.
  --out FILE         where the section goes; refused if it exists
${SIP_EDGE_HELP}`,
  'sip remove': `usage: portvakt-hub sip remove --panel-id ID [--sip-edge-db FILE]

Ends the panel's SIP account: the edge refuses its calls once the hub has written the edge's database.`,
};

const OPTIONS = {
  ...DATA_DIR_OPTION,
  ...SIP_EDGE_OPTIONS,
  'panel-id': { type: 'string' },
  out: { type: 'string' },
} as const;

export function runSip(command: string, args: string[], io: CliIo): number {
  const values = parse(args, OPTIONS);
  if (values['help']) return showHelp(io, `${USAGES[command]}\n${DATA_DIR_HELP}\n`);
  const panelId = required(values, 'panel-id');
  const sip = sipEdgeFlags(values, io);
  if (command === 'sip remove')
    return withStore(values, io, (store) => {
      const buildingId = store.sip.buildingOf(panelId);
      if (buildingId === undefined) throw new NotFoundError(`no panel "${panelId}"`);
      const removed = store.transaction(() => store.sip.remove(panelId));
      if (sip.edgeDb !== undefined) writeEdgeNow(store, sip.edgeDb, buildingId, io);
      printJson(io, { panelId, removed });
    });
  const out = required(values, 'out');
  if (!sip.address) throw new ValidationError('--sip-edge-url and --sip-domain are required');
  const address = sip.address;
  if (existsSync(out))
    throw new ValidationError(`${out} exists: refusing to overwrite; give a new --out FILE`);
  return withStore(values, io, (store) => {
    const buildingId = store.sip.buildingOf(panelId);
    if (buildingId === undefined) throw new NotFoundError(`no panel "${panelId}"`);
    const phone = store.transaction(() =>
      issuePanelSipAccount(store, panelId, address, new SystemClock().now()),
    );
    writePrivateFile(
      out,
      `# intercom.phone of ${panelId}'s panel.yaml, written by \`portvakt-hub sip rotate\` (secret: the SIP password).\n${stringify({ intercom: { phone } })}`,
    );
    if (sip.edgeDb !== undefined) writeEdgeNow(store, sip.edgeDb, buildingId, io);
    printJson(io, { panelId, domain: phone.domain, edgeUrl: phone.edgeUrl, file: out });
  });
}
