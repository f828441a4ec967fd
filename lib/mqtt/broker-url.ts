/**
 * mqtt.js parses a URL string with the deprecated `url.parse()` (Node prints DEP0169 on every start), so
 * the broker URL is parsed here with the WHATWG parser and handed over as connection options.
 */
import type { IClientOptions } from 'mqtt';

export function brokerOptions(brokerUrl: string): Pick<IClientOptions, 'protocol' | 'hostname' | 'port'> {
  const url = new URL(brokerUrl);
  const protocol = url.protocol.replace(/:$/, '');
  if (protocol !== 'mqtt' && protocol !== 'mqtts' && protocol !== 'ws' && protocol !== 'wss')
    throw new Error(`broker URL ${brokerUrl}: the scheme must be mqtt, mqtts, ws or wss`);
  const defaultPort = { mqtt: 1883, mqtts: 8883, ws: 80, wss: 443 }[protocol];
  return {
    protocol,
    // WHATWG keeps IPv6 literals in brackets; sockets want them bare.
    hostname: url.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: url.port ? Number(url.port) : defaultPort,
  };
}
