/**
 * `npm run -s phone`: be the phone-only demo resident's phone for a running `npm start` (demo-phone.ts).
 * It answers by itself; keys typed here are sent as DTMF (RFC 4733) during a call. What it heard is kept
 * as a WAV under the simulator's data dir.
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { errorMessage } from '../../lib/errors.ts';
import { type DemoPhoneEvent, startDemoPhone } from './demo-phone.ts';

const HELP = `npm run -s phone [-- --data-dir DIR]   the demo resident's phone (baresip) for a running \`npm start\`

  --data-dir DIR   the running simulator's data dir (default ./var/sim)

It registers at the simulator's SIP edge as the phone-only demo resident and answers calls by itself.
Keys: 0-9 * # send that digit (RFC 4733; 5 or 8 opens the door), h hangs up, q (or Ctrl-C) quits.
What the phone heard in each call is written to DIR/phone/heard-<n>.wav (8 kHz mono; play it with
\`aplay FILE\` from alsa-utils, or any audio player). After restarting \`npm start\`, restart this too.
`;

function describe(e: DemoPhoneEvent): string {
  switch (e.type) {
    case 'registered':
      return `registered as ${e.number}; waiting for a call (ring the bell the simulator's banner names)`;
    case 'incoming':
      return `incoming call from ${e.from}`;
    case 'answered':
      return 'answered — listen for the prompt, then press 5 to open the door (h hangs up)';
    case 'digit':
      return `sent ${e.digit}`;
    case 'ended':
      return `call ended${e.reason ? ` (${e.reason})` : ''}${e.heard ? `; what it heard: aplay ${e.heard}` : ''}`;
  }
}

async function main(): Promise<number> {
  const args = parseArgs({
    options: { 'data-dir': { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  }).values;
  if (args.help) {
    process.stdout.write(HELP);
    return 0;
  }
  const say = (line: string): void => {
    process.stdout.write(`phone: ${line}\n`);
  };
  const phone = await startDemoPhone({
    dataDir: resolve(args['data-dir'] ?? 'var/sim'),
    onEvent: (e) => say(describe(e)),
  });
  say(`keys: 0-9 * # send DTMF, h hangs up, q quits`);
  const { stdin } = process;
  if (stdin.isTTY) stdin.setRawMode(true);
  stdin.setEncoding('utf8');
  const quit = await new Promise<string>((done) => {
    process.once('SIGINT', () => done('SIGINT'));
    process.once('SIGTERM', () => done('SIGTERM'));
    stdin.on('data', (chunk: string) => {
      for (const key of chunk) {
        if (/^[0-9*#]$/.test(key)) phone.sendDigit(key);
        else if (key === 'h' || key === 'H') phone.hangup();
        // Ctrl-C and Ctrl-D arrive as characters in raw mode.
        else if (key === 'q' || key === 'Q' || key === '\u0003' || key === '\u0004') done('q');
      }
    });
    stdin.once('end', () => done('end of input'));
  });
  if (stdin.isTTY) stdin.setRawMode(false);
  stdin.pause();
  say(`stopping (${quit})`);
  await phone.stop();
  return 0;
}

process.exitCode = await main().catch((err: unknown) => {
  process.stderr.write(`phone: ${errorMessage(err)}\n`);
  return 1;
});
