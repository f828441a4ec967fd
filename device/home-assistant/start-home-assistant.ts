/**
 * Starts the Home Assistant link on the panel's doors, audit stream and directory. Loaded on demand by
 * home-assistant-module.ts, so a panel without a `homeAssistant` section never loads it.
 */
import { readFile } from 'node:fs/promises';
import { ConfigError, errorMessage } from '../../lib/errors.ts';
import type { HomeAssistantConfig } from '../config/schema.ts';
import { softwareVersion } from '../installer/system-facts.ts';
import { AnnouncePacer } from './announce-pacer.ts';
import { discoveryMessages } from './discovery.ts';
import { HaLink } from './ha-link.ts';
import type { HomeAssistantDeps } from './home-assistant-deps.ts';
import { LockCommands } from './lock-commands.ts';
import { HaPublisher } from './state-publisher.ts';
import { HaTopics } from './topics.ts';

export async function startHomeAssistant(config: HomeAssistantConfig, deps: HomeAssistantDeps) {
  const { clock, logger } = deps;
  const ca = config.ca === undefined ? undefined : await readPem(config.ca);
  if (config.brokerUrl.startsWith('mqtt://'))
    logger.warn(
      { brokerUrl: config.brokerUrl },
      'Home Assistant broker without TLS: use mqtts:// off a trusted LAN',
    );
  const swVersion = (await softwareVersion()).version;
  const topics = new HaTopics({
    topicPrefix: config.topicPrefix,
    discoveryPrefix: config.discoveryPrefix,
    panelId: deps.panelId,
  });
  const discovery = discoveryMessages(
    { panelId: deps.panelId, panelName: deps.panelName, swVersion },
    deps.doorConfigs,
    topics,
  );
  let link: HaLink | undefined;
  const publisher = new HaPublisher({
    topics,
    doors: deps.doorConfigs,
    send: (m) => link?.publish(m),
    bellName: deps.bellName,
    readerDoors: (readerId) => deps.readerConfigs.find((r) => r.id === readerId)?.doors ?? [],
    clock,
    imageMinIntervalS: config.imageMinIntervalS,
  });
  const publishDoor = (doorId: string) => {
    const state = deps.doors.get(doorId)?.state();
    if (state) publisher.doorChanged(state);
  };
  const publishAll = () => {
    // Also run from a timer (the pacer): nothing here may throw into the event loop.
    try {
      for (const m of discovery)
        link?.publish({ topic: m.topic, payload: JSON.stringify(m.payload), retain: true });
      for (const door of deps.doors.all()) publisher.doorChanged(door.state());
    } catch (err) {
      logger.error({ err: errorMessage(err) }, 'Home Assistant announcement failed');
    }
  };
  const pacer = new AnnouncePacer(clock, publishAll);
  const commands = new LockCommands({
    opener: deps.opener,
    audit: deps.audit,
    allowOpen: config.allowOpen,
    commandsPerMinute: config.commandsPerMinute,
    commandBurst: config.commandBurst,
    republish: publishDoor,
    clock,
    logger,
  });
  link = new HaLink(
    {
      brokerUrl: config.brokerUrl,
      username: config.username,
      password: config.password,
      ca,
      clientId: config.clientId ?? `portvakt-${deps.panelId}`,
      availabilityTopic: topics.availability,
      subscriptions: [topics.haStatus, topics.lockCommandFilter],
      clock,
      logger,
      backoff: deps.reconnectBackoff,
    },
    {
      onUp: () => pacer.request(),
      onMessage: (topic, payload, retained) => {
        if (topic === topics.haStatus) {
          // Home Assistant restarted: it wants discovery (and the states) again.
          if (payload.toString('utf8') === 'online') pacer.request();
          return;
        }
        commands.handle(topics.doorOfCommand(topic), payload, retained);
      },
    },
  );
  const unsubscribe = [
    ...deps.doors.all().map((door) => door.on('change', (state) => publisher.doorChanged(state))),
    deps.onAudit((event) => publisher.audit(event)),
  ];
  link.start();
  return {
    isUp: () => link?.isUp() ?? false,
    stop: async () => {
      for (const off of unsubscribe) off();
      pacer.stop();
      await link?.stop();
      link = undefined;
    },
  };
}

async function readPem(path: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (err) {
    throw new ConfigError(`homeAssistant.ca: cannot read ${path}: ${errorMessage(err)}`);
  }
}
