/** What the hub's parts need from MQTT: publishing JSON (or signed bytes, sent as they are). The connection implements it; so can a test. */
export interface MqttPublisher {
  /** Resolves when the broker has the message (QoS 1) or it is queued for the next connection. */
  publish(topic: string, payload: unknown, options: { qos: 0 | 1; retain?: boolean }): Promise<void>;
}
