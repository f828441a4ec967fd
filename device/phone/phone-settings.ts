/**
 * The building's phone settings as a leg needs them: who the callee sees calling, what they hear on
 * answer, and which digits open. The building row carries the administrator's choices (null = default).
 */

export interface PhoneSettings {
  /** Caller display: the building's name. */
  displayName: string;
  promptText: string;
  /** The digits that open the door, e.g. "58". */
  openDigits: string;
}

export const DEFAULT_OPEN_DIGITS = '58';

/** `{building}` in an administrator's prompt is replaced by the building's name. */
export function phoneSettingsOf(building: {
  name: string;
  phonePrompt?: string | null | undefined;
  phoneOpenDigits?: string | null | undefined;
}): PhoneSettings {
  const openDigits = building.phoneOpenDigits || DEFAULT_OPEN_DIGITS;
  const template = building.phonePrompt ?? `Visitor at {building}. Press ${openDigits[0]} to open the door.`;
  return {
    displayName: building.name,
    promptText: template.replaceAll('{building}', building.name),
    openDigits,
  };
}
