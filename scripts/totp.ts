/**
 * `npm run -s totp -- SECRET`: the current TOTP code for a base32 secret, for trying WebAdmin without an
 * authenticator app at hand (the demo of `npm start`). It knows nothing the secret does not: whoever holds
 * a TOTP secret can compute its codes, which is why WebAdmin shows it once, at enrolment.
 */
import { totpCode } from '../cloud-sync/hub/accounts/totp.ts';

const secret = (process.argv[2] ?? '').replace(/\s+/g, '').toUpperCase();
if (!/^[A-Z2-7]{16,}=*$/.test(secret)) {
  process.stderr.write(
    'usage: npm run -s totp -- SECRET   (the base32 secret WebAdmin shows at enrolment)\n',
  );
  process.exitCode = 2;
} else {
  const now = Date.now();
  const left = 30 - (Math.floor(now / 1000) % 30);
  process.stdout.write(`${totpCode(secret, now)}   (valid for ${left} s more)\n`);
}
