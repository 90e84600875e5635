import { isObjectType, type GraphQLFieldResolver, type GraphQLSchema } from 'graphql';
import { DeadlineExceededError, QueryTooComplexError } from '../errors';

/**
 * Bounds how long one request may run and how long it may hold the event loop at a stretch.
 *
 * graphql-js resolves and completes a response for as long as resolvers answer without waiting on
 * I/O: a large (or, with the limits raised, an enormous) selection is one uninterrupted task,
 * during which no other request, health check or signal handler runs. Every field that has a
 * resolver goes through `guardResolvers`' wrapper, which asks the request's guard:
 * - past the deadline: the field fails with UPSTREAM_TIMEOUT and nothing under it is resolved (the
 *   upstream calls still pending are aborted by the same deadline, src/upstream/http/deadline.ts);
 * - the current slice has run longer than `sliceMs`: the field waits in the guard's queue, and
 *   the queue is worked off on later turns of the event loop, a slice at a time;
 * - more than `maxFields` fields were resolved: the field fails with QUERY_TOO_COMPLEX. The cost
 *   limit estimates list sizes before anything runs; real data can hold longer lists, and without
 *   this bound such a request could fill the heap before its deadline.
 *
 * A queue rather than one promise per waiting field: a request with a large backlog would
 * otherwise re-create every waiting promise on every turn. Fields without a resolver (plain
 * property reads) are not wrapped: they cost nothing and every object they belong to was produced
 * by a wrapped field. The slice is long enough not to split normal responses: a resolver moved
 * to a later turn loads its DataLoader keys in a later batch, which would cost an upstream call.
 *
 * Hand-written: graphql-js has no hook between fields, and no library offers a cooperative
 * scheduler for resolvers.
 */
export class ExecutionGuard {
  private sliceStart = performance.now();
  private calls = 0;
  private readonly waiting: (() => void)[] = [];
  private head = 0;
  private scheduled = false;
  /** Set once the deadline has been seen to pass: from then on every field fails at once. */
  private timeout: DeadlineExceededError | null = null;
  private tooMany: QueryTooComplexError | null = null;
  /** Set by an immediate scheduled when the slice started: the event loop has had a turn since. */
  private turnPassed = false;
  private markPending = false;

  /**
   * @param deadline epoch ms after which no field is resolved
   * @param maxFields most fields (with resolvers) one request may resolve
   * @param sliceMs longest stretch of resolving before the event loop gets a turn @default 20
   */
  constructor(
    readonly deadline: number,
    private readonly maxFields: number,
    private readonly sliceMs = 20,
  ) {
    this.startSlice(performance.now());
  }

  /** What the next field may do. Looks at the clocks every 64 fields. */
  check(): 'ok' | 'yield' | 'expired' | 'exhausted' {
    if (this.timeout !== null) return 'expired';
    if (++this.calls > this.maxFields) return 'exhausted';
    if ((this.calls & 15) !== 0) return 'ok';
    if (!this.stillOnTime()) return 'expired';
    return this.overSlice() ? 'yield' : 'ok';
  }

  /**
   * Whether the current stretch of work has run past the slice. A stretch is measured from its
   * start, and a new one starts whenever the event loop had a turn since (an upstream answer
   * waking the request after a wait is fresh work, not a continuation of the last slice): the
   * immediate scheduled at the start of a slice can only have run if the loop got control.
   */
  private overSlice(): boolean {
    const now = performance.now();
    if (now - this.sliceStart <= this.sliceMs) return false;
    if (!this.turnPassed) return true;
    this.startSlice(now);
    return false;
  }

  private startSlice(now: number): void {
    this.sliceStart = now;
    this.turnPassed = false;
    if (this.markPending) return;
    this.markPending = true;
    setImmediate(() => {
      this.markPending = false;
      this.turnPassed = true;
    });
  }

  /**
   * What an asynchronous resolver's value goes through before graphql-js completes it: the values
   * of many fields often arrive together (every resolver waiting on one DataLoader batch wakes in
   * the same microtask drain), and completing them all at once would be one long task.
   */
  admit<T>(value: T): T | Promise<T> {
    // A request out of fields or time fails the field whose value arrived, rather than each of the
    // items under it: one error instead of thousands, and nothing more is built.
    if (this.timeout !== null) throw this.timeout;
    if (this.calls > this.maxFields) throw this.exhaustedError();
    if ((++this.calls & 15) !== 0) return value;
    if (!this.stillOnTime()) throw this.expiredError();
    return this.overSlice() ? this.later(() => value) : value;
  }

  /** Whether a field that waited may still run (the deadline may have passed meanwhile). */
  stillOnTime(): boolean {
    if (this.timeout !== null) return false;
    if (Date.now() < this.deadline) return true;
    this.timeout = new DeadlineExceededError();
    return false;
  }

  /**
   * The error every field past the deadline fails with: one instance per request, because a
   * request cut off mid-way fails many fields at once and each new error would capture a stack
   * (graphql-js gives every field its own located copy, reusing this one's stack).
   */
  expiredError(): DeadlineExceededError {
    return (this.timeout ??= new DeadlineExceededError());
  }

  /** The error every field over `maxFields` fails with (one instance, as for the deadline). */
  exhaustedError(): QueryTooComplexError {
    return (this.tooMany ??= new QueryTooComplexError(
      `the request resolved more than ${this.maxFields} fields: ask for fewer items (first) or fewer nested lists`,
      { limit: 'fields', max: this.maxFields },
    ));
  }

  /**
   * The request's DataLoader scheduler: a batch is dispatched once the current wave of resolvers
   * ran (a turn of the event loop later, as `afterCurrentWave` does) *and* no field that yielded
   * is still waiting, so a yield never splits a wave into more upstream calls.
   */
  readonly afterWave = (dispatch: () => void): void => {
    setImmediate(() => {
      if (this.head < this.waiting.length) this.afterDrained.push(dispatch);
      else dispatch();
    });
  };

  /** Loader dispatches waiting for the queue to empty. */
  private afterDrained: (() => void)[] = [];

  /** Runs `fn` on a later turn, after the fields that yielded before it. */
  later<T>(fn: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.waiting.push(() => {
        try {
          resolve(fn());
        } catch (error) {
          reject(error);
        }
      });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(this.drain);
  }

  private readonly drain = (): void => {
    this.scheduled = false;
    this.startSlice(performance.now());
    // Past the deadline the waiting fields only fail, but failing a large backlog (graphql-js
    // locates an error per field) is a long task too: it is sliced like the rest.
    while (this.head < this.waiting.length && performance.now() - this.sliceStart <= this.sliceMs) {
      const next = this.waiting[this.head]!;
      this.waiting[this.head++] = noop;
      next();
    }
    if (this.head === this.waiting.length) {
      this.waiting.length = 0;
      this.head = 0;
      // The waiting fields have run and made their loads; their batches go out after the wave
      // they started (their microtasks included), as every other batch does.
      const dispatches = this.afterDrained;
      this.afterDrained = [];
      for (const dispatch of dispatches) this.afterWave(dispatch);
    } else {
      this.schedule();
    }
  };
}

const noop = (): void => undefined;

function isPromise(value: unknown): value is Promise<unknown> {
  return value instanceof Promise;
}

/** What a request's GraphQL context offers the wrapper. */
interface GuardedContext {
  readonly guard?: ExecutionGuard;
}

function guarded(
  resolve: GraphQLFieldResolver<unknown, GuardedContext>,
): GraphQLFieldResolver<unknown, GuardedContext> {
  return (root, args, ctx, info) => {
    const guard = ctx?.guard;
    if (!guard) return resolve(root, args, ctx, info);
    switch (guard.check()) {
      case 'ok': {
        const value = resolve(root, args, ctx, info);
        return isPromise(value) ? value.then((v) => guard.admit(v)) : value;
      }
      case 'expired':
        throw guard.expiredError();
      case 'exhausted':
        throw guard.exhaustedError();
      case 'yield':
        return guard.later(() => {
          if (!guard.stillOnTime()) throw guard.expiredError();
          return resolve(root, args, ctx, info);
        });
    }
  };
}

/** Wraps every resolver of the schema's object types (introspection's own types excepted). */
export function guardResolvers(schema: GraphQLSchema): void {
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    for (const field of Object.values(type.getFields())) {
      if (field.resolve)
        field.resolve = guarded(field.resolve as GraphQLFieldResolver<unknown, GuardedContext>);
    }
  }
}
