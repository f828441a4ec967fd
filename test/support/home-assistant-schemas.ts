/**
 * Home Assistant's documented MQTT discovery schemas (home-assistant.io/integrations/lock.mqtt,
 * binary_sensor.mqtt, event.mqtt, image.mqtt and the shared device/availability/origin keys of
 * mqtt#discovery-messages), for checking what the panel announces. Strict: a key Home Assistant does not
 * document for the entity fails, and so does a missing required one. Home Assistant also accepts the
 * abbreviated key names (`stat_t`, `cmd_t`, `dev`…); they are accepted here by expanding them first.
 * Test-only: the panel builds its payloads in device/home-assistant/discovery.ts.
 */
import { z } from 'zod';

/** Abbreviations Home Assistant documents, for the keys these entities may carry. */
const ABBREVIATIONS: Record<string, string> = {
  avty: 'availability',
  avty_mode: 'availability_mode',
  avty_t: 'availability_topic',
  avty_tpl: 'availability_template',
  cmd_t: 'command_topic',
  cmd_tpl: 'command_template',
  cont_type: 'content_type',
  dev: 'device',
  dev_cla: 'device_class',
  e: 'encoding',
  en: 'enabled_by_default',
  ent_cat: 'entity_category',
  ent_pic: 'entity_picture',
  evt_typ: 'event_types',
  exp_aft: 'expire_after',
  frc_upd: 'force_update',
  ic: 'icon',
  img_e: 'image_encoding',
  img_t: 'image_topic',
  json_attr_t: 'json_attributes_topic',
  json_attr_tpl: 'json_attributes_template',
  o: 'origin',
  off_dly: 'off_delay',
  opt: 'optimistic',
  pl_avail: 'payload_available',
  pl_not_avail: 'payload_not_available',
  pl_lock: 'payload_lock',
  pl_off: 'payload_off',
  pl_on: 'payload_on',
  pl_open: 'payload_open',
  pl_rst: 'payload_reset',
  pl_unlk: 'payload_unlock',
  ret: 'retain',
  stat_jam: 'state_jammed',
  stat_locked: 'state_locked',
  stat_locking: 'state_locking',
  stat_t: 'state_topic',
  stat_unlocked: 'state_unlocked',
  stat_unlocking: 'state_unlocking',
  stat_open: 'state_open',
  stat_opening: 'state_opening',
  uniq_id: 'unique_id',
  url_t: 'url_topic',
  url_tpl: 'url_template',
  val_tpl: 'value_template',
  // inside device and origin
  cns: 'connections',
  ids: 'identifiers',
  mf: 'manufacturer',
  mdl: 'model',
  mdl_id: 'model_id',
  hw: 'hw_version',
  sw: 'sw_version',
  sn: 'serial_number',
  sa: 'suggested_area',
  cu: 'configuration_url',
  via_device: 'via_device',
  url: 'support_url',
};

/** The payload with abbreviated keys expanded (top level, device and origin); `~` is not supported. */
export function expandAbbreviations(payload: Record<string, unknown>): Record<string, unknown> {
  const expand = (o: Record<string, unknown>) =>
    Object.fromEntries(Object.entries(o).map(([k, v]) => [ABBREVIATIONS[k] ?? k, v]));
  const out = expand(payload);
  for (const key of ['device', 'origin'])
    if (out[key] && typeof out[key] === 'object') out[key] = expand(out[key] as Record<string, unknown>);
  return out;
}

const topic = z
  .string()
  .min(1)
  .refine((t) => !t.includes('+') && !t.includes('#'), 'no wildcards');
const qos = z.union([z.literal(0), z.literal(1), z.literal(2)]);

const device = z
  .object({
    configuration_url: z.string().optional(),
    connections: z.array(z.tuple([z.string(), z.string()])).optional(),
    hw_version: z.string().optional(),
    identifiers: z.union([z.string(), z.array(z.string()).min(1)]).optional(),
    manufacturer: z.string().optional(),
    model: z.string().optional(),
    model_id: z.string().optional(),
    name: z.string().optional(),
    serial_number: z.string().optional(),
    suggested_area: z.string().optional(),
    sw_version: z.string().optional(),
    via_device: z.string().optional(),
  })
  .strict()
  .refine((d) => d.identifiers !== undefined || d.connections !== undefined, {
    message: 'at least one of identifiers or connections must be present to identify the device',
  });

const origin = z
  .object({ name: z.string().min(1), sw_version: z.string().optional(), support_url: z.string().optional() })
  .strict();

const availabilityEntry = z
  .object({
    topic,
    payload_available: z.string().optional(),
    payload_not_available: z.string().optional(),
    value_template: z.string().optional(),
  })
  .strict();

/** Keys every MQTT entity documents: availability, device, origin, naming and attributes. */
const common = {
  availability: z.array(availabilityEntry).optional(),
  availability_mode: z.enum(['all', 'any', 'latest']).optional(),
  availability_template: z.string().optional(),
  availability_topic: topic.optional(),
  payload_available: z.string().optional(),
  payload_not_available: z.string().optional(),
  device: device.optional(),
  origin: origin.optional(),
  enabled_by_default: z.boolean().optional(),
  encoding: z.string().optional(),
  entity_category: z.enum(['config', 'diagnostic']).optional(),
  entity_picture: z.string().optional(),
  icon: z
    .string()
    .regex(/^[a-z]+:[a-z0-9-]+$/)
    .optional(),
  json_attributes_template: z.string().optional(),
  json_attributes_topic: topic.optional(),
  name: z.string().nullable().optional(),
  object_id: z.string().optional(),
  default_entity_id: z.string().optional(),
  unique_id: z.string().optional(),
  platform: z.string().optional(),
};

/** Rules of every entity: availability in one form only; a device needs a unique_id. */
function entityRules(e: Record<string, unknown>, ctx: z.RefinementCtx): void {
  if (e['availability'] !== undefined && e['availability_topic'] !== undefined)
    ctx.addIssue({
      code: 'custom',
      message: 'availability and availability_topic must not be used together',
    });
  if (e['device'] !== undefined && e['unique_id'] === undefined)
    ctx.addIssue({ code: 'custom', message: 'device only works when unique_id is set' });
}

export const haLockSchema = z
  .object({
    ...common,
    command_topic: topic,
    command_template: z.string().optional(),
    code_format: z.string().optional(),
    optimistic: z.boolean().optional(),
    payload_lock: z.string().optional(),
    payload_unlock: z.string().optional(),
    payload_open: z.string().optional(),
    payload_reset: z.string().optional(),
    qos: qos.optional(),
    retain: z.boolean().optional(),
    state_topic: topic.optional(),
    state_locked: z.string().optional(),
    state_unlocked: z.string().optional(),
    state_locking: z.string().optional(),
    state_unlocking: z.string().optional(),
    state_jammed: z.string().optional(),
    state_open: z.string().optional(),
    state_opening: z.string().optional(),
    value_template: z.string().optional(),
  })
  .strict()
  .superRefine(entityRules);

/** Home Assistant's binary sensor device classes. */
export const BINARY_SENSOR_DEVICE_CLASSES = [
  'battery',
  'battery_charging',
  'carbon_monoxide',
  'cold',
  'connectivity',
  'door',
  'garage_door',
  'gas',
  'heat',
  'light',
  'lock',
  'moisture',
  'motion',
  'moving',
  'occupancy',
  'opening',
  'plug',
  'power',
  'presence',
  'problem',
  'running',
  'safety',
  'smoke',
  'sound',
  'tamper',
  'update',
  'vibration',
  'window',
] as const;

export const haBinarySensorSchema = z
  .object({
    ...common,
    state_topic: topic,
    device_class: z.enum(BINARY_SENSOR_DEVICE_CLASSES).optional(),
    expire_after: z.number().int().min(0).optional(),
    force_update: z.boolean().optional(),
    off_delay: z.number().int().min(0).optional(),
    payload_on: z.string().optional(),
    payload_off: z.string().optional(),
    qos: qos.optional(),
    value_template: z.string().optional(),
  })
  .strict()
  .superRefine(entityRules);

export const haEventSchema = z
  .object({
    ...common,
    state_topic: topic,
    event_types: z.array(z.string().min(1)).min(1),
    device_class: z.enum(['button', 'doorbell', 'motion']).optional(),
    qos: qos.optional(),
    value_template: z.string().optional(),
  })
  .strict()
  .superRefine(entityRules);

export const haImageSchema = z
  .object({
    ...common,
    image_topic: topic.optional(),
    url_topic: topic.optional(),
    content_type: z
      .string()
      .regex(/^image\/[a-z0-9.+-]+$/)
      .optional(),
    image_encoding: z.literal('b64').optional(),
    url_template: z.string().optional(),
  })
  .strict()
  .superRefine((e, ctx) => {
    entityRules(e, ctx);
    if ((e.image_topic === undefined) === (e.url_topic === undefined))
      ctx.addIssue({ code: 'custom', message: 'exactly one of image_topic and url_topic is required' });
    if (e.url_topic !== undefined && e.content_type !== undefined)
      ctx.addIssue({ code: 'custom', message: 'content_type applies to image_topic only' });
  });

export const HA_SCHEMAS = {
  lock: haLockSchema,
  binary_sensor: haBinarySensorSchema,
  event: haEventSchema,
  image: haImageSchema,
} as const;

/** An event message on an event entity's state topic: `event_type` one of its `event_types`. */
export function eventPayloadIssue(payload: unknown, eventTypes: readonly string[]): string | undefined {
  if (typeof payload !== 'object' || payload === null) return 'not a JSON object';
  const type = (payload as Record<string, unknown>)['event_type'];
  if (typeof type !== 'string' || !eventTypes.includes(type))
    return `event_type ${String(type)} not declared`;
  return undefined;
}
