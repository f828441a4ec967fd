/**
 * Imported first by browser apps that validate with the protocol schemas. zod probes `new Function` to
 * compile fast validators; under the apps' Content Security Policy (no 'unsafe-eval') that probe is a
 * CSP violation on every page load. Browser apps validate a few small messages, so the interpreter is
 * fast enough.
 */
import { z } from 'zod';

z.config({ jitless: true });
