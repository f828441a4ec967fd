/**
 * The panel's local API as this page uses it. The reply types are the protocol's panel API views
 * (cloud-sync/protocol/panel-api.ts), the schemas the API's OpenAPI document is made of; imported as
 * types only, so the page ships no validator.
 */
import type { CallState, DirectoryReply, RingReply } from '../../cloud-sync/protocol/panel-api.ts';

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
  directory: () => request<DirectoryReply>('GET', '/api/v1/directory'),
  ring: (bellId: string) => request<RingReply>('POST', `/api/v1/bells/${encodeURIComponent(bellId)}/ring`),
  call: () => request<CallState>('GET', '/api/v1/call'),
  hangUp: (callId: string) =>
    request<CallState>('POST', `/api/v1/calls/${encodeURIComponent(callId)}/hangup`),
};
