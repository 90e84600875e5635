import type { EventBus, EventPayload } from '../../events';
import { errorName } from './error-name';
import type { ServiceLogger } from './logger';

/**
 * Publishes after the store has the change. Delivery is at most once anyway (a replica whose
 * listener is down misses it), so a failed publish is logged, never thrown: the stored state is
 * the truth and readers re-read it.
 */
export async function publishSafely(
  events: EventBus,
  logger: ServiceLogger,
  topic: string,
  payload: EventPayload,
): Promise<void> {
  try {
    await events.publish(topic, payload);
  } catch (error) {
    logger.warn({ topic, error: errorName(error) }, 'event not published');
  }
}
