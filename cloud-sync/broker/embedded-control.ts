/**
 * The part of Mosquitto's dynamic security control API the embedded broker understands, so the hub
 * revokes app devices the same way on both brokers (mosquitto-dynsec.ts): `deleteClient` (and
 * `deleteRole`, a no-op here) from the hub's login on `$CONTROL/dynamic-security/v1`. Admission needs no
 * command here: the embedded broker asks the hub about each app device login instead. Anything else is
 * answered with an error naming it.
 */
import { z } from 'zod';
import { APP_DEVICE_ID_PATTERN } from '../protocol/calls.ts';

const commandSchema = z.looseObject({
  command: z.string().max(100),
  username: z.string().max(200).optional(),
  correlationData: z.string().max(200).optional(),
});
const controlSchema = z.object({ commands: z.array(commandSchema).max(1000) });

export interface ControlResponse {
  command: string;
  error?: string;
  correlationData?: string;
}

/** The app devices to revoke and the answers to publish; undefined when the payload is not a command list. */
export function parseControl(
  payload: Buffer,
): { revoke: string[]; responses: ControlResponse[] } | undefined {
  let json: unknown;
  try {
    json = JSON.parse(payload.toString('utf8'));
  } catch {
    return undefined;
  }
  const parsed = controlSchema.safeParse(json);
  if (!parsed.success) return undefined;
  const revoke: string[] = [];
  const responses = parsed.data.commands.map((c): ControlResponse => {
    const base = {
      command: c.command,
      ...(c.correlationData === undefined ? {} : { correlationData: c.correlationData }),
    };
    if (c.command === 'deleteRole') return base;
    if (c.command !== 'deleteClient') return { ...base, error: 'not supported by the embedded broker' };
    if (!c.username || !APP_DEVICE_ID_PATTERN.test(c.username))
      return { ...base, error: 'only app devices can be deleted' };
    revoke.push(c.username);
    return base;
  });
  return { revoke, responses };
}
