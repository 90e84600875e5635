/** A payload too big for the bus (Postgres NOTIFY takes less than 8000 bytes). Send an id instead. */
export class EventPayloadTooLargeError extends Error {
  readonly code = 'EVENT_PAYLOAD_TOO_LARGE';

  constructor(
    readonly topic: string,
    readonly bytes: number,
    readonly maxBytes: number,
  ) {
    super(
      `An event must be at most ${maxBytes} bytes of JSON with its topic, ` +
        `but the event of topic ${JSON.stringify(topic)} is ${bytes} bytes.`,
    );
    this.name = 'EventPayloadTooLargeError';
  }
}

/** The bus could not send (connection down, bus closed). The reason never holds a URL or password. */
export class EventBusUnavailableError extends Error {
  readonly code = 'EVENTS_UNAVAILABLE';

  constructor(
    readonly bus: string,
    readonly reason: string,
  ) {
    super(`the ${bus} event bus is unavailable (${reason})`);
    this.name = 'EventBusUnavailableError';
  }
}
