/**
 * The simulator's SIP edge, for the phone fallback: Debian's Kamailio with the shipped
 * deploy/sip/kamailio.cfg (scripts/lab/sip-edge.ts) on free loopback ports, plain WebSocket on loopback
 * for the panel. Its database is `<data dir>/sip/edge.db`, the file the hub writes (`serve --sip-edge-db`):
 * the panel's account and routes come from the hub as in production. The one row the hub never writes is
 * the demo phone's: a `phone` subscriber for the phone-only demo resident's number, so a softphone (or
 * `npm run -s phone`) can register as them. Its login is in `<data dir>/sip/demo-phone.json` (0600).
 *
 * Without Kamailio (or when it does not start) the simulator runs without the phone fallback and says so.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { DEMO_DIRECTORY, DEMO_PHONE } from '../../device/sim/demo-directory.ts';
import { errorMessage, ValidationError } from '../../lib/errors.ts';
import { KAMAILIO, type SipEdgeHandle, startSipEdge } from '../lab/sip-edge.ts';

export const SIM_SIP_DOMAIN = 'sim.portvakt.test';

/** What a softphone needs to be the demo resident's phone; written by the simulator, read by phone.ts. */
export const demoPhoneAccount = z
  .object({
    number: z.string().regex(/^\+[1-9]\d{4,14}$/),
    password: z.string().min(16),
    domain: z.string().min(1),
    /** The edge's SIP address for phones: UDP (and TCP) on 127.0.0.1. */
    host: z.literal('127.0.0.1'),
    port: z.number().int().min(1).max(65535),
    residentName: z.string(),
    bellId: z.string(),
    building: z.string(),
  })
  .strict();
export type DemoPhoneAccount = z.output<typeof demoPhoneAccount>;

export const DEMO_PHONE_FILE = join('sip', 'demo-phone.json');

export type SimSip =
  | { on: false; reason: string }
  | {
      on: true;
      edge: SipEdgeHandle;
      phone: DemoPhoneAccount;
      /** The hub's `serve` and `provision` flags naming this edge. */
      hubFlags: string[];
    };

/**
 * Starts the edge on `<dataDir>/sip/edge.db` and adds the demo phone's subscriber row; `{ on: false }`
 * with the reason when `kamailio` (the binary looked for) is missing or the edge does not start.
 */
export async function startSimSip(dataDir: string, building: string, kamailio = KAMAILIO): Promise<SimSip> {
  if (!existsSync(kamailio))
    return { on: false, reason: `${kamailio} is not installed (Debian package kamailio)` };
  const dir = join(dataDir, 'sip');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const dbPath = join(dir, 'edge.db');
  // 0600 before SQLite first opens it (its -wal and -shm take this mode), as the hub's own stores are.
  writeFileSync(dbPath, '', { mode: 0o600 });
  let edge: SipEdgeHandle;
  try {
    edge = await startSipEdge({ dbPath, domain: SIM_SIP_DOMAIN, readyTimeoutMs: 15_000 });
  } catch (err) {
    return { on: false, reason: `the SIP edge (Kamailio) did not start: ${firstLine(errorMessage(err))}` };
  }
  const phone: DemoPhoneAccount = {
    number: DEMO_PHONE.number,
    password: randomBytes(18).toString('base64url'),
    domain: edge.domain,
    host: '127.0.0.1',
    port: edge.sipPort,
    residentName: DEMO_PHONE.name,
    bellId: DEMO_DIRECTORY.phoneBell,
    building,
  };
  // The hub writes only `panel` rows and leaves `phone` rows alone (store/sip-edge-db.ts).
  edge.addSubscriber(phone.number, phone.password, 'phone');
  writeFileSync(join(dataDir, DEMO_PHONE_FILE), `${JSON.stringify(phone, null, 2)}\n`, { mode: 0o600 });
  return {
    on: true,
    edge,
    phone,
    hubFlags: ['--sip-edge-db', dbPath, '--sip-edge-url', edge.wsUrl, '--sip-domain', edge.domain],
  };
}

/** The running simulator's demo phone login, from its data dir. */
export function readDemoPhoneAccount(dataDir: string): DemoPhoneAccount {
  const file = join(dataDir, DEMO_PHONE_FILE);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ValidationError(
      `no demo phone in ${dataDir} (${errorMessage(err)}): is \`npm start\` running there, with Kamailio installed?`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new ValidationError(`${file}: not JSON (written by \`npm start\`; restart it)`);
  }
  const parsed = demoPhoneAccount.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ValidationError(`${file}: ${issue?.path.join('.')}: ${issue?.message}`);
  }
  return parsed.data;
}

/** The banner's phone-fallback block. */
export function phoneBannerLines(sip: SimSip, panelBase: string): string[] {
  if (!sip.on) return [`  Phone fallback: off — ${sip.reason}.`];
  const p = sip.phone;
  return [
    `  Phone fallback: ${p.residentName} has no app, only a phone (${p.number}); his bell "${p.bellId}" calls it`,
    `  through the SIP edge (Kamailio, 127.0.0.1:${p.port}). Be his phone in another terminal, then ring him`,
    `  (or ring "${p.residentName}" on the panel page): the phone answers, hears the prompt; 5 (or 8) opens:`,
    '    npm run -s phone      (keys: 0-9 * # send DTMF, h hangs up, q quits)',
    `    curl -s -X POST ${panelBase}/api/v1/bells/${p.bellId}/ring`,
    `  Any softphone works instead: server 127.0.0.1:${p.port} (UDP), domain ${p.domain}, user ${p.number},`,
    `  password ${p.password}, codecs PCMU/PCMA, DTMF as RFC 4733 or SIP INFO.`,
  ];
}

function firstLine(text: string): string {
  return text.split('\n')[0] ?? text;
}
