/**
 * The visitor's side of the intercom over the local API: the directory as the panel shows it, ringing a
 * bell, the call in progress, and hanging up. The panel page uses these; so do scripts and tests.
 */
import type { DirectoryReply, RingReply } from '../../../cloud-sync/protocol/panel-api.ts';
import { PortvaktError } from '../../../lib/errors.ts';
import { parseInput } from '../../../lib/http/parse-input.ts';
import type { Router } from '../../../lib/http/router.ts';
import type { IntercomApi } from '../../intercom/intercom-api.ts';
import { bellIdParam, callIdParam } from '../schemas.ts';

export function addIntercomRoutes(router: Router, intercom: IntercomApi, sim: boolean): void {
  if (sim)
    router.add('GET', '/api/v1/sim/media', async () => ({ status: 200, body: await intercom.mediaStats() }));
  router
    .add('GET', '/api/v1/directory', () => ({
      status: 200,
      body: intercom.directory() satisfies DirectoryReply,
    }))
    .add('POST', '/api/v1/bells/{bellId}/ring', async ({ params }) => {
      const bellId = parseInput(bellIdParam, params['bellId'], 'bell id');
      const result = await intercom.ring(bellId);
      if (!result.ok && result.reason === 'busy') {
        throw new PortvaktError('busy', 'another call is in progress; ring again when it has ended');
      }
      if (!result.ok) throw new PortvaktError('nobody_to_ring', 'nobody can be rung on this bell now');
      return { status: 202, body: { callId: result.callId, call: intercom.call() } satisfies RingReply };
    })
    .add('GET', '/api/v1/call', () => ({ status: 200, body: intercom.call() }))
    .add('POST', '/api/v1/calls/{callId}/hangup', ({ params }) => {
      const callId = parseInput(callIdParam, params['callId'], 'call id');
      if (!intercom.hangUp(callId))
        throw new PortvaktError('no_such_call', `call "${callId}" is not in progress`);
      return { status: 200, body: intercom.call() };
    });
}
