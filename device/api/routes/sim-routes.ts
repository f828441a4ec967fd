import { parseInput } from '../../../lib/http/parse-input.ts';
import type { Router } from '../../../lib/http/router.ts';
import type { SimControls } from '../../sim/sim-controls.ts';
import { idParam, inputBody, tapBody } from '../schemas.ts';

/** Controls that stand in for hardware; registered only when the panel runs with simulated drivers. */
export function addSimRoutes(router: Router, sim: SimControls): void {
  router
    .add('POST', '/api/v1/sim/readers/{readerId}/tap', async ({ params, body }) => {
      const readerId = parseInput(idParam, params['readerId'], 'reader id');
      const { uid } = parseInput(tapBody, body, 'body');
      const decision = await sim.tap(readerId, uid);
      return { status: 200, body: decision };
    })
    .add('POST', '/api/v1/sim/inputs/{inputId}', ({ params, body }) => {
      const inputId = params['inputId'] ?? '';
      const { active } = parseInput(inputBody, body, 'body');
      sim.setInput(inputId, active);
      return { status: 200, body: { inputId, active } };
    })
    .add('GET', '/api/v1/sim/inputs', () => ({ status: 200, body: { inputs: sim.inputIds() } }))
    .add('GET', '/api/v1/sim/relays', () => ({ status: 200, body: { relays: sim.relays() } }));
}
