/**
 * Form pieces every screen uses: labelled inputs named like the hub's fields, and a feedback line that
 * shows an error as the hub wrote it — its message, and each `field: message` issue next to the input of
 * that name, so the administrator sees which field was wrong and why.
 */
import { ApiError } from './api.ts';
import { append, h } from './dom.ts';

type Control = HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement;

/** A label around its input, with a place for the hub's issue with that field. */
export function field(label: string, control: Control, hint?: string): HTMLElement {
  return h(
    'label',
    { class: 'field' },
    h('span', { class: 'label' }, label),
    control,
    hint ? h('small', { class: 'hint' }, hint) : null,
    h('small', { class: 'field-error', 'data-field-error': control.name }),
  );
}

export function input(
  name: string,
  attrs: Record<string, string | number | boolean | undefined> = {},
): HTMLInputElement {
  return h('input', { name, testid: name, ...attrs });
}

export function select(
  name: string,
  options: readonly (readonly [value: string, text: string])[],
  value?: string,
  attrs: Record<string, string | boolean | undefined> = {},
): HTMLSelectElement {
  const el = h('select', { name, testid: name, ...attrs });
  for (const [v, text] of options) append(el, h('option', { value: v, selected: v === value }, text));
  return el;
}

export function checkbox(
  name: string,
  checked: boolean,
  attrs: Record<string, string | boolean | undefined> = {},
): HTMLInputElement {
  return h('input', { type: 'checkbox', name, testid: name, checked, ...attrs });
}

/** A checkbox with its label to the right. */
export function check(label: string, box: HTMLInputElement): HTMLElement {
  return h('label', { class: 'check' }, box, ` ${label}`);
}

export function errorText(err: unknown): string {
  if (err instanceof ApiError) return err.message;
  return err instanceof Error ? err.message : String(err);
}

export interface Feedback {
  el: HTMLElement;
  ok(text: string): void;
  fail(err: unknown): void;
  clear(): void;
}

/**
 * A status line for a form. `fail` writes the hub's message, and marks each input an issue names
 * (`unitId: no unit "x"` → the `unitId` input) with that issue beside it.
 */
export function feedback(testid: string, form?: HTMLElement): Feedback {
  const el = h('p', { class: 'result', role: 'status', 'aria-live': 'polite', testid });
  const clearFields = () => {
    if (!form) return;
    for (const bad of form.querySelectorAll('[aria-invalid="true"]')) bad.removeAttribute('aria-invalid');
    for (const note of form.querySelectorAll<HTMLElement>('[data-field-error]')) note.textContent = '';
  };
  const clear = () => {
    el.className = 'result';
    el.textContent = '';
    clearFields();
  };
  return {
    el,
    clear,
    ok: (text) => {
      clear();
      el.className = 'result ok';
      el.textContent = text;
    },
    fail: (err) => {
      clear();
      el.className = 'result bad';
      el.textContent = errorText(err);
      if (!form || !(err instanceof ApiError)) return;
      for (const issue of err.issues) {
        const at = issue.indexOf(': ');
        if (at < 0) continue;
        const name = issue.slice(0, at).split('.')[0]!;
        const control = form.querySelector(`[name="${CSS.escape(name)}"]`);
        const note = form.querySelector<HTMLElement>(`[data-field-error="${CSS.escape(name)}"]`);
        control?.setAttribute('aria-invalid', 'true');
        if (note) note.textContent = issue.slice(at + 2);
      }
    },
  };
}

/** Runs a change with its button disabled meanwhile, so a double click sends it once. */
export async function busy<T>(button: HTMLButtonElement, run: () => Promise<T>): Promise<T> {
  button.disabled = true;
  try {
    return await run();
  } finally {
    button.disabled = false;
  }
}

/**
 * A form whose submit runs `run` (default prevented, the submit button busy meanwhile); a failure goes
 * to the feedback line with the hub's field issues.
 */
export function onSubmit(form: HTMLFormElement, fb: Feedback, run: () => Promise<void>): void {
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const submit = form.querySelector<HTMLButtonElement>('button[type="submit"]');
    const go = async () => {
      fb.clear();
      try {
        await run();
      } catch (err) {
        fb.fail(err);
      }
    };
    void (submit ? busy(submit, go) : go());
  });
}

/** An empty string means "not set" for the hub's nullable fields. */
export function orNull(value: string): string | null {
  const v = value.trim();
  return v === '' ? null : v;
}
