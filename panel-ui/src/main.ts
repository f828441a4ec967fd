/**
 * The visitor's page on the panel's touchscreen: the directory (as the panel computes it from its own
 * replica, so it works offline), a ring button per bell, and the call in progress. A first page; the
 * full touchscreen experience comes later.
 */
import type { CallState, DirectoryEntry, DirectoryReply } from '../../cloud-sync/protocol/panel-api.ts';
import { ApiError, api } from './api.ts';
import { renderDirectory } from './directory-view.ts';

const byId = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const status = byId<HTMLParagraphElement>('status');
const dialog = byId<HTMLDialogElement>('call');
const callTitle = byId<HTMLHeadingElement>('call-title');
const callDetail = byId<HTMLParagraphElement>('call-detail');
const hangup = byId<HTMLButtonElement>('hangup');
const search = byId<HTMLInputElement>('search');
const list = byId<HTMLUListElement>('directory');

let bells: DirectoryEntry[] = [];
let call: CallState = { phase: 'idle' };
let statusTimer: ReturnType<typeof setTimeout> | undefined;

function say(text: string, forMs = 5000): void {
  status.textContent = text;
  clearTimeout(statusTimer);
  if (text) statusTimer = setTimeout(() => (status.textContent = ''), forMs);
}

function showCall(next: CallState): void {
  const previous = call;
  call = next;
  document.body.dataset['callPhase'] = next.phase;
  if (next.phase === 'idle') {
    if (dialog.open) dialog.close();
    if (previous.phase !== 'idle') {
      const outcome = next.last?.outcome ?? (previous.phase === 'connected' ? 'answered' : 'no_answer');
      document.body.dataset['lastOutcome'] = outcome;
      say(endedText(outcome));
    }
    return;
  }
  callTitle.textContent = next.bellText;
  callDetail.textContent = callText(next);
  document.body.dataset['phoneLeg'] = next.phone ?? '';
  hangup.textContent = next.phase === 'ringing' ? 'Cancel' : 'Hang up';
  if (!dialog.open) dialog.showModal();
}

/** What the visitor reads while the call lasts (never the resident's number or other details). */
function callText(state: Exclude<CallState, { phase: 'idle' }>): string {
  if (state.phase === 'connected') return 'Connected — please speak';
  if (state.phone === 'dialing') return 'Calling the resident’s phone…';
  if (state.phone === 'ringing') return 'The resident’s phone is ringing…';
  return 'Calling…';
}

/** What the visitor reads after the call: how it ended. */
function endedText(outcome: NonNullable<Extract<CallState, { phase: 'idle' }>['last']>['outcome']): string {
  switch (outcome) {
    case 'answered':
      return 'The call has ended.';
    case 'busy':
      return 'The line is busy. Please try again later.';
    case 'declined':
      return 'The resident cannot take the call now.';
    case 'failed':
      return 'The resident could not be reached.';
    case 'cancelled':
      return 'Call cancelled.';
    case 'no_app_device':
      return 'The resident cannot be reached now.';
    default:
      return 'Nobody answered. You can try again or ring someone else.';
  }
}

async function ring(bell: DirectoryEntry): Promise<void> {
  try {
    const { call: state } = await api.ring(bell.bellId);
    showCall(state);
  } catch (err) {
    if (err instanceof ApiError && err.code === 'busy')
      say('Another visitor is calling. Please wait a moment.');
    else if (err instanceof ApiError && err.code === 'nobody_to_ring')
      say(`${bell.displayText} cannot be reached now.`);
    else say('The call could not be started.');
  }
}

function render(): void {
  renderDirectory(list, bells, search.value, (bell) => void ring(bell));
}

async function refreshDirectory(): Promise<void> {
  try {
    bells = await api.directory();
    render();
  } catch {
    say('The directory is not available right now.');
  }
}

/**
 * The panel pushes the directory when it applied a config that changed it, and the call at each change
 * (the screen stream, SCREEN_STREAM_PATH; a literal here, the page imports the protocol as types only): a name
 * removed at the hub leaves the screen at once. The browser reconnects by itself after a panel restart;
 * the periodic refresh stays for what changes with time alone (hiding schedules) and as a fallback.
 */
function followDirectory(): void {
  const source = new EventSource('/api/v1/screen/stream');
  source.addEventListener('directory', (event) => {
    bells = (JSON.parse((event as MessageEvent<string>).data) as DirectoryReply).bells;
    render();
  });
  source.addEventListener('call', (event) =>
    showCall(JSON.parse((event as MessageEvent<string>).data) as CallState),
  );
}

async function poll(): Promise<void> {
  try {
    showCall(await api.call());
  } catch {
    // The API restarts with the panel; the next poll catches up.
  }
  setTimeout(() => void poll(), call.phase === 'idle' ? 2000 : 300);
}

hangup.addEventListener('click', () => {
  if (call.phase === 'idle') return;
  api.hangUp(call.callId).then(showCall, () => showCall({ phase: 'idle' }));
});
dialog.addEventListener('cancel', (event) => event.preventDefault());
search.addEventListener('input', render);
api.health().then(
  (h) => (byId('title').textContent = h.panelName),
  () => {},
);
void refreshDirectory();
followDirectory();
setInterval(() => void refreshDirectory(), 30_000);
void poll();
