import { StoreUnavailableGraphError } from '../../errors';
import { StoreUnavailableError } from '../../store';

/** Runs store work for `operation`; a store that is down becomes the GraphQL-facing error naming it. */
export async function withStore<T>(operation: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    if (error instanceof StoreUnavailableError) throw new StoreUnavailableGraphError(operation);
    throw error;
  }
}
