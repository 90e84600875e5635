import type { EventPayload } from './bus';
import { EventPayloadTooLargeError } from './errors';

/** Postgres NOTIFY payloads must be shorter than 8000 bytes; every bus keeps the same limit. */
export const MAX_EVENT_BYTES = 7999;

export interface EventMessage {
  topic: string;
  payload: EventPayload;
}

/** The wire form of one event: every topic shares one channel, so the topic travels inside. */
export function encodeEvent(topic: string, payload: EventPayload): string {
  const text = JSON.stringify({ topic, payload } satisfies EventMessage);
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > MAX_EVENT_BYTES) throw new EventPayloadTooLargeError(topic, bytes, MAX_EVENT_BYTES);
  return text;
}

/** The event in a channel message, or null when it is not one of ours. */
export function decodeEvent(text: string): EventMessage | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null) return null;
  const { topic, payload } = value as Partial<EventMessage>;
  if (typeof topic !== 'string' || typeof payload !== 'object' || payload === null) return null;
  return { topic, payload };
}
