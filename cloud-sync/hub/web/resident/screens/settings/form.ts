/** Small pieces every settings section uses: a labelled input, a status line, and running a change. */
import { ApiError } from '../../api.ts';
import { h } from '../../dom.ts';

export function field(label: string, input: HTMLInputElement | HTMLSelectElement): HTMLLabelElement {
  return h('label', {}, label, input);
}

/** A status line under a form: what happened, or what was wrong (the hub's message, as it said it). */
export function feedback(testid: string): {
  el: HTMLElement;
  ok(text: string): void;
  fail(err: unknown): void;
} {
  const el = h('p', { class: 'result', role: 'status', 'aria-live': 'polite', testid });
  return {
    el,
    ok: (text) => {
      el.className = 'result ok';
      el.textContent = text;
    },
    fail: (err) => {
      el.className = 'result bad';
      el.textContent = errorText(err);
    },
  };
}

export function errorText(err: unknown): string {
  if (err instanceof ApiError) return err.message;
  return err instanceof Error ? err.message : String(err);
}

/** Runs a change with its button disabled meanwhile, so a double tap sends it once. */
export async function busy<T>(button: HTMLButtonElement, run: () => Promise<T>): Promise<T> {
  button.disabled = true;
  try {
    return await run();
  } finally {
    button.disabled = false;
  }
}
