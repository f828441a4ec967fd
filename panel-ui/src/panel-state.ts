/**
 * What the panel told the page last: the directory (with the site: building, entrance, language) and
 * the call. The screen stream (screen-stream.ts) and the fallback polls write here; screens listen.
 * An unchanged value (a poll repeating the stream) is not announced again.
 */
import type { CallState, CardFeedback, DirectoryReply } from '../../cloud-sync/protocol/panel-api.ts';
import { Listeners } from './listeners.ts';

export class PanelState {
  #directory: DirectoryReply | undefined;
  #directoryJson = '';
  #call: CallState = { phase: 'idle' };
  #callJson = JSON.stringify(this.#call);
  readonly directoryChanged = new Listeners<DirectoryReply>();
  readonly callChanged = new Listeners<{ now: CallState; before: CallState }>();
  /** Each card tap's decision, as the panel sent it (never stored: feedback is of the moment). */
  readonly card = new Listeners<CardFeedback>();

  get directory(): DirectoryReply | undefined {
    return this.#directory;
  }

  get call(): CallState {
    return this.#call;
  }

  setDirectory(directory: DirectoryReply): void {
    const json = JSON.stringify(directory);
    if (json === this.#directoryJson) return;
    this.#directoryJson = json;
    this.#directory = directory;
    this.directoryChanged.emit(directory);
  }

  setCall(call: CallState): void {
    const json = JSON.stringify(call);
    if (json === this.#callJson) return;
    const before = this.#call;
    this.#callJson = json;
    this.#call = call;
    this.callChanged.emit({ now: call, before });
  }
}
