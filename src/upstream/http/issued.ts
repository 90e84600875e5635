/**
 * Resolves once the upstream requests that a loader batch scheduled *before* this call will issue
 * have been written to their sockets, so CPU-heavy work started afterwards cannot delay them.
 *
 * Why this is needed: undici 7 (since GHSA-35p6-xmwp-9g52) writes a request on a reused
 * keep-alive socket only in the next check phase (a `setImmediate` queued when the request is
 * issued), after it has looked for a pending FIN/RST. Everything that runs in between — timers,
 * other sockets' responses and the microtasks they start — pushes the write back. Resolving
 * 500 hosts there cost the next round trip up to 5 ms.
 *
 * How: loader batches are dispatched from a `setImmediate` (`afterCurrentWave`), which runs in the
 * check phase after the one in which they were scheduled, and issue their requests within it;
 * undici's write is then queued for the following check phase. Immediates run in the order they
 * were queued, and those queued during a check phase run in the next one. So the first immediate
 * here runs right after the batch, and the second one, queued then, runs after undici's write.
 * When a request is not issued at once (a cache read first, a new connection), this is only a
 * short yield: nothing waits for it, and nothing fails.
 */
export function afterIssuedWrites(): Promise<void> {
  return new Promise((resolve) => setImmediate(() => setImmediate(resolve)));
}
