/**
 * The login kept in localStorage, so a reload (or the phone waking the tab) stays logged in. It is read
 * back through the same schema as the login reply: a stale or tampered entry means "log in again".
 */
import { type ResidentLoginReply, residentLoginReply } from '../../../protocol/resident-api.ts';

const KEY = 'portvakt.resident.session';

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
}

export function clearSession(): void {
  try {
    localStorage.removeItem(KEY);
  } catch {}
}
