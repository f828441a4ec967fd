/**
 * The panel's local API as this page uses it. Types mirror the API's OpenAPI views (device/api/schemas.ts);
 * panel-ui may not import device/ code, and a contract test compares the two.
 */
export interface DirectoryEntry {
  bellId: string;
  type: 'separate' | 'sequential' | 'parallel' | 'family' | 'business';
  displayText: string;
  unitName: string | null;
  picture: string | null;
}

export type CallState =
  | { phase: 'idle' }
  | { phase: 'ringing' | 'connected'; callId: string; bellId: string; bellText: string; since: number };

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  constructor(status: number, code: string, message: string) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

async function request<T>(method: 'GET' | 'POST', path: string): Promise<T> {
  const response = await fetch(path, { method, headers: { accept: 'application/json' } });
  const body = (await response.json().catch(() => ({}))) as { error?: { code?: string; message?: string } };
  if (!response.ok) {
    throw new ApiError(
      response.status,
      body.error?.code ?? 'error',
      body.error?.message ?? response.statusText,
    );
  }
  return body as T;
}

export const api = {
  directory: () => request<{ bells: DirectoryEntry[] }>('GET', '/api/v1/directory').then((r) => r.bells),
  ring: (bellId: string) =>
    request<{ callId: string; call: CallState }>('POST', `/api/v1/bells/${encodeURIComponent(bellId)}/ring`),
  call: () => request<CallState>('GET', '/api/v1/call'),
  hangUp: (callId: string) =>
    request<CallState>('POST', `/api/v1/calls/${encodeURIComponent(callId)}/hangup`),
  health: () => request<{ panelId: string; panelName: string }>('GET', '/healthz'),
};
