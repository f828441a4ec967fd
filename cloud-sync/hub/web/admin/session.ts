/**
 * The administrator's session token, kept in sessionStorage: it survives a reload of the tab but not the
 * tab itself, and other tabs do not share it (an admin console left open is the risk, not a reload).
 * The hub ends it anyway after 30 idle minutes or 12 hours.
 */
const KEY = 'portvakt.admin.session';
const BUILDING_KEY = 'portvakt.admin.building';

export function loadToken(): string | null {
  try {
    return sessionStorage.getItem(KEY);
  } catch {
    return null;
  }
}

export function saveToken(token: string): void {
  sessionStorage.setItem(KEY, token);
}

export function clearToken(): void {
  try {
    sessionStorage.removeItem(KEY);
  } catch {}
}

/** The building last picked in this tab. */
export function loadBuildingId(): string | null {
  try {
    return sessionStorage.getItem(BUILDING_KEY);
  } catch {
    return null;
  }
}

export function saveBuildingId(id: string): void {
  try {
    sessionStorage.setItem(BUILDING_KEY, id);
  } catch {}
}
