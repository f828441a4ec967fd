/**
 * Number-dependent texts and lists through Intl, in the screen's language: "1 name" / "3 names",
 * "Main entrance and Bike room".
 */
import type { PanelLanguage } from '../../../cloud-sync/protocol/panel-api.ts';

/** The forms of a counted text; `{n}` is replaced by the formatted number. */
export interface PluralForms {
  one: string;
  other: string;
}

export function plural(lang: PanelLanguage, forms: PluralForms, n: number): string {
  const form = new Intl.PluralRules(lang).select(n) === 'one' ? forms.one : forms.other;
  return form.replace('{n}', new Intl.NumberFormat(lang).format(n));
}

export function list(lang: PanelLanguage, items: readonly string[]): string {
  return new Intl.ListFormat(lang, { style: 'long', type: 'conjunction' }).format(items);
}
