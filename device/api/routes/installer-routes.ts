/**
 * Installer mode's routes (/api/v1/installer/…). Entering takes the installer PIN; every other route but
 * the status needs the session's token or the installer token (Authorization: Bearer), checked before
 * the request is parsed. What they do is installer mode's (device/installer/installer-mode.ts).
 */
import {
  factoryResetBody,
  INSTALLER_PATHS,
  type InstallerStreamEvent,
  sessionBody,
  testPulseBody,
} from '../../../cloud-sync/protocol/installer-api.ts';
import { RateLimitedError, ValidationError } from '../../../lib/errors.ts';
import { parseInput } from '../../../lib/http/parse-input.ts';
import type { Router } from '../../../lib/http/router.ts';
import { eventStreamReply, serverSentEvent } from '../../../lib/http/stream-reply.ts';
import type { InstallerMode } from '../../installer/installer-mode.ts';
import { idParam, logsQuery } from '../schemas.ts';

/** The installer's screen needs one stream; a second covers a reload while the first is closing. */
export const MAX_INSTALLER_STREAMS = 2;

export function addInstallerRoutes(router: Router, installer: InstallerMode, panelId: string): void {
  const streams = new Set<() => void>();
  router
    .add('GET', INSTALLER_PATHS.status, async () => ({ status: 200, body: await installer.status() }))
    .add('POST', INSTALLER_PATHS.session, async ({ body }) => {
      const { pin } = parseInput(sessionBody, body, 'body');
      return { status: 201, body: await installer.enter(pin) };
    })
    .add('DELETE', INSTALLER_PATHS.session, ({ req }) => {
      installer.authorize(req);
      installer.leave(req);
      return { status: 204, body: undefined };
    })
    .add('GET', INSTALLER_PATHS.selfTest, async ({ req }) => {
      installer.authorize(req);
      return { status: 200, body: await installer.selfTest() };
    })
    .add('POST', '/api/v1/installer/doors/{id}/test-pulse', ({ req, params, body }) => {
      const caller = installer.authorize(req);
      const doorId = parseInput(idParam, params['id'], 'door id');
      const { pulseMs } = parseInput(testPulseBody, body ?? {}, 'body');
      return { status: 202, body: installer.testPulse(doorId, caller, pulseMs) };
    })
    .add('GET', INSTALLER_PATHS.camera, async ({ req }) => {
      installer.authorize(req);
      const picture = await installer.camera();
      if (picture === 'no-camera')
        return {
          status: 503,
          body: {
            error: {
              code: 'no_camera',
              message: installer.hasMedia
                ? 'no camera picture: the camera is not running (yet)'
                : 'this panel has no intercom, so no camera',
            },
          },
        };
      return { status: 200, body: picture, headers: { 'content-type': 'image/jpeg' } };
    })
    .add('GET', INSTALLER_PATHS.microphone, async ({ req }) => {
      installer.authorize(req);
      return { status: 200, body: await installer.micLevel() };
    })
    .add('POST', INSTALLER_PATHS.speakerTest, async ({ req }) => {
      const caller = installer.authorize(req);
      await installer.speakerTest(caller);
      return { status: 200, body: { played: true } };
    })
    .add('GET', INSTALLER_PATHS.logs, ({ req, query }) => {
      const caller = installer.authorize(req);
      const { lines } = parseInput(logsQuery, Object.fromEntries(query), 'query');
      const out = installer.logs(lines, caller);
      const stamp = new Date().toISOString().replace(/[:.]/g, '-');
      return {
        status: 200,
        body: out.length ? `${out.join('\n')}\n` : '',
        headers: {
          'content-type': 'application/x-ndjson; charset=utf-8',
          'content-disposition': `attachment; filename="portvakt-${panelId}-${stamp}.ndjson"`,
        },
      };
    })
    .add('POST', INSTALLER_PATHS.factoryReset, ({ req, body }) => {
      installer.authorize(req);
      const parsed = factoryResetBody.safeParse(body);
      if (!parsed.success)
        throw new ValidationError('a factory reset erases the panel: send {"confirm":"erase"} to confirm');
      installer.factoryReset();
      return {
        status: 202,
        body: { erasing: true, message: 'relays locked; erasing, then the panel restarts unprovisioned' },
      };
    })
    .add('GET', INSTALLER_PATHS.stream, ({ req }) => {
      installer.authorize(req);
      if (streams.size >= MAX_INSTALLER_STREAMS)
        throw new RateLimitedError(`at most ${MAX_INSTALLER_STREAMS} installer streams at once`, 5000);
      return eventStreamReply({
        open: (sink) => {
          const send = (e: InstallerStreamEvent) =>
            sink.write(serverSentEvent({ event: e.event, data: JSON.stringify(e.data) }));
          const unfollow = installer.follow(send);
          // A session that ends (left, idle, replaced, reset) ends its stream.
          const unwatch = installer.sessions.events.on('ended', () => {
            if (installer.stillAuthorized(req)) return;
            send({ event: 'end', data: { reason: 'session_ended' } });
            sink.end();
          });
          const close = () => {
            unfollow();
            unwatch();
          };
          streams.add(close);
          sink.onClose(() => {
            streams.delete(close);
            close();
          });
        },
      });
    });
}
