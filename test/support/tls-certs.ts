/**
 * Test PKI made with openssl: a CA that signs the broker's certificate (for 127.0.0.1) and a client
 * certificate, and an unrelated CA that a panel might wrongly pin. P-256 keys, so it takes milliseconds.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface TestPki {
  caCert: string;
  otherCaCert: string;
  serverCert: string;
  serverKey: string;
  clientCert: string;
  clientKey: string;
}

function openssl(args: string[], cwd: string): void {
  execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'], timeout: 20_000 });
}

/** `openssl req` arguments for a new P-256 key without a passphrase, written to NAME.key, for CN=NAME. */
const newKey = (name: string) => [
  ...['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'],
  ...['-subj', `/CN=${name}`, '-keyout', `${name}.key`],
];

function selfSignedCa(dir: string, name: string): void {
  openssl(['req', '-x509', ...newKey(name), '-days', '2', '-out', `${name}.crt`], dir);
}

function signedBy(dir: string, ca: string, name: string, extensions: string): void {
  writeFileSync(join(dir, `${name}.ext`), extensions);
  openssl(['req', ...newKey(name), '-out', `${name}.csr`], dir);
  openssl(
    [
      'x509',
      '-req',
      '-in',
      `${name}.csr`,
      '-CA',
      `${ca}.crt`,
      '-CAkey',
      `${ca}.key`,
      '-CAcreateserial',
      '-days',
      '2',
      '-extfile',
      `${name}.ext`,
      '-out',
      `${name}.crt`,
    ],
    dir,
  );
}

export function makeTestPki(dir: string): TestPki {
  selfSignedCa(dir, 'ca');
  selfSignedCa(dir, 'other-ca');
  signedBy(dir, 'ca', 'broker', 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n');
  signedBy(dir, 'ca', 'panel', 'extendedKeyUsage=clientAuth\n');
  const file = (name: string) => join(dir, name);
  return {
    caCert: file('ca.crt'),
    otherCaCert: file('other-ca.crt'),
    serverCert: file('broker.crt'),
    serverKey: file('broker.key'),
    clientCert: file('panel.crt'),
    clientKey: file('panel.key'),
  };
}
