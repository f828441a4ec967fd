/**
 * The panel's side of pairing's HTTP: asking the hub for a code and polling it, over https with the
 * hub's CA pinned when `pairing.ca` is set (http only to this machine: the config schema says so).
 * Replies are bounded in size and parsed with the protocol's schemas; a hub that does not answer in time
 * is an error the pairing client retries with backoff.
 */
import { readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { z } from 'zod';
import {
  PAIRING_REQUESTS_PATH,
  type PairingPollReply,
  type PairingRequestBody,
  type PairingRequestReply,
  pairingPollReply,
  pairingRequestReply,
} from '../../cloud-sync/protocol/pairing.ts';
import { ConfigError, errorMessage } from '../../lib/errors.ts';
import type { PairingConfig } from '../config/schema.ts';

/** What the pairing client needs from the hub (tests give it a fake one). */
export interface HubPairingPort {
  request(body: PairingRequestBody): Promise<PairingRequestReply>;
  /** `gone`: the hub no longer knows the request (expired, or its kit was collected): ask anew. */
  poll(requestId: string, pollToken: string): Promise<PairingPollReply | 'gone'>;
}

/** A refusal by the hub, with its status (429: come back later) and message. */
export class HubReplyError extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

const MAX_REPLY_BYTES = 128 * 1024;
const TIMEOUT_MS = 10_000;

export class HttpsHubPairing implements HubPairingPort {
  readonly #base: URL;
  readonly #ca: Buffer | undefined;

  constructor(config: PairingConfig) {
    this.#base = new URL(config.hubUrl.endsWith('/') ? config.hubUrl : `${config.hubUrl}/`);
    try {
      this.#ca = config.ca === undefined ? undefined : readFileSync(config.ca);
    } catch (err) {
      throw new ConfigError(`cannot read pairing.ca ${config.ca}: ${errorMessage(err)}`);
    }
  }

  async request(body: PairingRequestBody): Promise<PairingRequestReply> {
    const reply = await this.#send('POST', PAIRING_REQUESTS_PATH, body);
    if (reply.status !== 201) throw refusal(reply);
    return parse(pairingRequestReply, reply.json);
  }

  async poll(requestId: string, pollToken: string): Promise<PairingPollReply | 'gone'> {
    const path = `${PAIRING_REQUESTS_PATH}/${encodeURIComponent(requestId)}`;
    const reply = await this.#send('GET', path, undefined, pollToken);
    if (reply.status === 404) return 'gone';
    if (reply.status !== 200) throw refusal(reply);
    return parse(pairingPollReply, reply.json);
  }

  #send(
    method: string,
    path: string,
    body: unknown,
    token?: string,
  ): Promise<{ status: number; json: unknown }> {
    const url = new URL(path.replace(/^\//, ''), this.#base);
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const headers: Record<string, string> = { accept: 'application/json' };
    if (payload) headers['content-type'] = 'application/json';
    if (token) headers['authorization'] = `Bearer ${token}`;
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise((resolve, reject) => {
      const req = send(
        url,
        { method, headers, timeout: TIMEOUT_MS, ...(this.#ca ? { ca: this.#ca } : {}) },
        (res) => {
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (chunk: Buffer) => {
            size += chunk.length;
            if (size > MAX_REPLY_BYTES) {
              req.destroy(new Error('the hub sent too large a reply'));
              return;
            }
            chunks.push(chunk);
          });
          res.on('end', () => {
            let json: unknown;
            try {
              json = JSON.parse(Buffer.concat(chunks).toString('utf8'));
            } catch {
              json = undefined;
            }
            resolve({ status: res.statusCode ?? 0, json });
          });
          res.on('error', reject);
        },
      );
      req.on('timeout', () => req.destroy(new Error(`the hub did not answer within ${TIMEOUT_MS / 1000} s`)));
      req.on('error', reject);
      req.end(payload);
    });
  }
}

function parse<T extends z.ZodType>(schema: T, json: unknown): z.output<T> {
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw new Error('the hub sent a reply this panel does not understand');
  return parsed.data;
}

function refusal(reply: { status: number; json: unknown }): HubReplyError {
  const message = (reply.json as { error?: { message?: unknown } } | undefined)?.error?.message;
  return new HubReplyError(
    reply.status,
    `the hub answered ${reply.status}${typeof message === 'string' ? `: ${message.slice(0, 200)}` : ''}`,
  );
}
