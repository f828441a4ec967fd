/**
 * The agent's view of the broker connection. The real one is MqttLink; keeping the agent on this small
 * interface lets message handling be tested message by message without a broker.
 */
import type { SafeEmitter } from '../../lib/events.ts';
import type { DeviceLeaf } from '../protocol/topics.ts';

export type LinkEvents = {
  /** Connected and subscribed. */
  up: { sessionPresent: boolean };
  down: undefined;
  message: { leaf: DeviceLeaf; payload: Buffer };
};

export interface PublishOptions {
  qos: 0 | 1;
  retain?: boolean;
}

export interface Link {
  readonly events: SafeEmitter<LinkEvents>;
  isUp(): boolean;
  /** Resolves once the broker has the message (PUBACK for QoS 1); rejects if the connection drops first. */
  publish(leaf: DeviceLeaf, payload: unknown, options: PublishOptions): Promise<void>;
}

export type CallLinkEvents = {
  /** A call signaling message from an app device; the topic proved which device sent it. */
  message: { appDeviceId: string; payload: Buffer };
};

/** Call signaling on the same broker connection (see protocol/calls.ts). */
export interface CallLink {
  readonly events: SafeEmitter<CallLinkEvents>;
  isUp(): boolean;
  /**
   * The app devices whose call messages the panel takes from now on: those in its call. The link
   * subscribes to exactly their topics (call-subscriptions.ts), so the broker drops what anyone else
   * sends; a message from another device that still arrives is dropped here, unread. Resolves once the
   * broker confirmed (at once while disconnected: the next connection subscribes); never rejects.
   */
  listenTo(appDeviceIds: ReadonlySet<string>): Promise<void>;
  /** QoS 1; the message expires at the broker after expiryS (MQTT 5), as a ring is worthless later. */
  publishCall(appDeviceId: string, payload: unknown, options: { expiryS: number }): Promise<void>;
}
