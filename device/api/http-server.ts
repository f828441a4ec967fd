/**
 * The panel's local HTTP API: the panel's routes (and the simulator's and intercom's where they run) on
 * the shared JSON server, with the panel page's static files.
 */

import { JsonServer } from '../../lib/http/json-server.ts';
import { Router } from '../../lib/http/router.ts';
import type { Logger } from '../../lib/log/logger.ts';
import type { ApiContext } from './context.ts';
import { openApiDocument } from './openapi.ts';
import { addInstallerRoutes } from './routes/installer-routes.ts';
import { addIntercomRoutes } from './routes/intercom-routes.ts';
import { addPairingRoutes } from './routes/pairing-routes.ts';
import { addPanelRoutes } from './routes/panel-routes.ts';
import { addScreenStream } from './routes/screen-stream.ts';
import { addSimRoutes } from './routes/sim-routes.ts';
import { addSpeechRoutes } from './routes/speech-routes.ts';
import { addStaticRoutes } from './static-files.ts';

const MAX_BODY_BYTES = 16 * 1024;

export interface ApiServerOptions {
  host: string;
  port: number;
  context: ApiContext;
  logger: Logger;
  /** The built panel page (panel-ui); absent = API only. */
  panelUiDir?: string | undefined;
  /** api.allowedOrigins: names and origins a browser may use besides IP addresses and localhost. */
  allowedOrigins?: readonly string[] | undefined;
}

export class ApiServer extends JsonServer {
  constructor(options: ApiServerOptions) {
    const { context, host, port, logger } = options;
    const router = new Router();
    addPanelRoutes(router, context);
    if (context.sim) addSimRoutes(router, context.sim);
    if (context.intercom) addIntercomRoutes(router, context.intercom, Boolean(context.sim));
    addScreenStream(router, context);
    if (context.speech) addSpeechRoutes(router, context.speech);
    if (context.installer) addInstallerRoutes(router, context.installer, context.health().panelId);
    if (context.pairing) addPairingRoutes(router, context.pairing);
    // An unpaired panel has no directory: its page is the pairing page (the code to claim).
    addStaticRoutes(router, options.panelUiDir, logger, () => context.pairing?.unpaired() ?? false);
    const doc = openApiDocument({
      sim: Boolean(context.sim),
      intercom: Boolean(context.intercom),
      speech: Boolean(context.speech),
      installer: Boolean(context.installer),
      pairing: Boolean(context.pairing),
    });
    router.add('GET', '/api/v1/openapi.json', () => ({ status: 200, body: doc }));
    super({
      name: 'panel API',
      host,
      port,
      router,
      logger,
      maxBodyBytes: MAX_BODY_BYTES,
      // The panel page is served from here: ring and hang-up come same-origin, from the kiosk on loopback.
      originPolicy: {
        boundHost: host,
        allowedOrigins: options.allowedOrigins ?? [],
        setting: 'api.allowedOrigins',
      },
    });
  }
}
