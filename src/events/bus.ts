/** What an event carries: small, JSON-serializable, secret-free. */
export type EventPayload = Record<string, unknown>;

export type EventBusKind = 'postgres' | 'pglite' | 'redis';

/**
 * Pub/sub that crosses replicas: an event published on any replica reaches the subscribers of
 * every replica (including its own), once each. Delivery is at most once: an event published
 * while a replica's listening connection is down does not reach that replica, which is why the
 * reconcile loops exist. Order holds per publisher.
 */
export interface EventBus {
  readonly kind: EventBusKind;
  /**
   * Throws EventPayloadTooLargeError when `{topic, payload}` is 8000 bytes of JSON or more
   * (Postgres NOTIFY's limit, kept on every bus), EventBusUnavailableError when it cannot be sent.
   */
  publish(topic: string, payload: EventPayload): Promise<void>;
  /**
   * The events of `topic` published from now on. Ends when `signal` aborts, `return()` is called
   * or the bus closes; it then holds no listener.
   */
  subscribe(topic: string, signal?: AbortSignal): AsyncIterableIterator<EventPayload>;
  /** Ends every subscription and the bus's connections. Safe to call more than once. */
  close(): Promise<void>;
}
