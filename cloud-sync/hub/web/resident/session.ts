/**
 * The login kept in localStorage, so a reload (or the phone waking the tab) stays logged in. It is read
 * back through the same schema as the login reply: a stale or tampered entry means "log in again".
 */
import { APP_DEVICE_ID_PATTERN } from '../../../protocol/calls.ts';
import { type ResidentLoginReply, residentLoginReply } from '../../../protocol/resident-api.ts';

const KEY = 'portvakt.resident.session';
/**
 * This install's app device id, kept across logouts: the next login sends it, and the hub re-uses the
 * device (panels already know it), so logging in again publishes no new config to the panels.
 */
const DEVICE_KEY = 'portvakt.resident.appDevice';

export function loadSession(): ResidentLoginReply | null {
  try {
    const raw = localStorage.getItem(KEY);
    if (!raw) return null;
    const parsed = residentLoginReply.safeParse(JSON.parse(raw));
    if (parsed.success) return parsed.data;
    console.warn('portvakt: dropping a stored session that no longer validates');
  } catch {}
  clearSession();
  return null;
}

export function saveSession(session: ResidentLoginReply): void {
  localStorage.setItem(KEY, JSON.stringify(session));
  localStorage.setItem(DEVICE_KEY, session.appDeviceId);
}

/** The app device id this install had, if any (a tampered entry is ignored: the hub would too). */
export function installAppDeviceId(): string | undefined {
  try {
    const id = localStorage.getItem(DEVICE_KEY);
    if (id && APP_DEVICE_ID_PATTERN.test(id)) return id;
  } catch {}
  return undefined;
}

export function clearSession(): void {
  try {
    localStorage.removeItem(KEY);
  } catch {}
}
