/**
 * Following a signed command (remote open, card enrolment) until the panel answers: the hub records the
 * panel's result, WebAdmin asks for it every half second while the screen is shown, and stops when the
 * command is answered, expired, or the user left.
 */
import type { CommandView } from '../../../protocol/admin-panels.ts';
import type { AdminApi } from './api.ts';

const POLL_MS = 500;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The command's final state, or undefined when the screen was left first. */
export async function commandOutcome(
  api: AdminApi,
  nonce: string,
  stillWanted: () => boolean,
): Promise<CommandView | undefined> {
  for (;;) {
    if (!stillWanted()) return undefined;
    const command = await api.command(nonce);
    // `expired` is what the hub says for a command past its expiry that nobody answered.
    if (command.status !== 'sent') return command;
    await sleep(POLL_MS);
  }
}

/** One sentence for a command's outcome. */
export function commandText(c: CommandView, doneText: string): string {
  switch (c.status) {
    case 'done':
      return doneText;
    case 'refused':
      return `Refused by the panel: ${c.reason ?? 'no reason given'}`;
    case 'failed':
      return `Failed on the panel: ${c.reason ?? 'no reason given'}`;
    case 'expired':
      return 'The panel did not answer in time (is it offline?).';
    default:
      return 'Sent, waiting for the panel…';
  }
}
