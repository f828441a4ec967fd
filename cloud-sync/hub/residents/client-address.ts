/**
 * The client address the login limits key on. The socket's peer address, unless that peer is one of the
 * `trustedProxies` (the operator's reverse proxies): then X-Forwarded-For is walked from the right
 * (each proxy appends the address it saw) past every trusted proxy, and the first address that is not
 * one is the client. A header from anyone else is ignored, so a client cannot pick its own address to
 * escape the limits or to spend somebody else's.
 */
import { BlockList, isIP } from 'node:net';
import { z } from 'zod';

const proxyEntry = z
  .string()
  .trim()
  .refine(
    (entry) => parseEntry(entry) !== undefined,
    'must be an IP address or CIDR block (e.g. 10.0.0.0/8)',
  );

/** Part of the hub's settings (settings.ts). */
export const trustedProxiesSchema = z
  .array(proxyEntry)
  .max(100)
  .default([])
  .describe(
    'reverse proxies (addresses or CIDR blocks) whose X-Forwarded-For names the client; empty: the socket address is the client',
  );

/** Beyond this many X-Forwarded-For hops the header is not believed (the rest is attacker padding). */
const MAX_HOPS = 20;

export class ClientAddresses {
  readonly #trusted = new BlockList();

  constructor(trustedProxies: readonly string[]) {
    for (const entry of trustedProxies) {
      const parsed = parseEntry(entry);
      if (!parsed) throw new Error(`not an IP address or CIDR block: ${entry}`);
      if (parsed.prefix === undefined) this.#trusted.addAddress(parsed.address, parsed.family);
      else this.#trusted.addSubnet(parsed.address, parsed.prefix, parsed.family);
    }
  }

  /** The client behind a request from `socketAddress` carrying `forwardedFor` (raw header value). */
  of(socketAddress: string | undefined, forwardedFor: string | string[] | undefined): string {
    let client = normalize(socketAddress ?? '');
    if (!client) return 'unknown';
    if (!this.#isTrusted(client) || forwardedFor === undefined) return client;
    const hops = (Array.isArray(forwardedFor) ? forwardedFor.join(',') : forwardedFor)
      .split(',')
      .map((hop) => normalize(hop.trim()));
    for (const hop of hops.reverse().slice(0, MAX_HOPS)) {
      // A hop that is not an address: the header was tampered with before our proxies; stop at the
      // last address a trusted proxy vouched for.
      if (!hop) return client;
      client = hop;
      if (!this.#isTrusted(hop)) return hop;
    }
    return client;
  }

  #isTrusted(address: string): boolean {
    const family = isIP(address) === 6 ? 'ipv6' : 'ipv4';
    return this.#trusted.check(address, family);
  }
}

/** An address in canonical form ('' when it is none); IPv4-mapped IPv6 becomes plain IPv4. */
function normalize(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  const plain = mapped ? mapped[1]! : address;
  return isIP(plain) ? plain.toLowerCase() : '';
}

function parseEntry(
  entry: string,
): { address: string; family: 'ipv4' | 'ipv6'; prefix: number | undefined } | undefined {
  const [address = '', prefixText, extra] = entry.split('/');
  const version = isIP(address);
  if (!version || extra !== undefined) return undefined;
  const family = version === 4 ? 'ipv4' : 'ipv6';
  if (prefixText === undefined) return { address, family, prefix: undefined };
  const prefix = Number(prefixText);
  if (!/^\d+$/.test(prefixText) || prefix > (version === 4 ? 32 : 128)) return undefined;
  return { address, family, prefix };
}
