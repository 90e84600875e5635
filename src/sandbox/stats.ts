/** Per-API call counters for `GET /_sandbox/stats`; keys are "<system>.<api>". */
export class CallStats {
  private calls = new Map<string, number>();
  private total = 0;

  count(key: string): void {
    this.calls.set(key, (this.calls.get(key) ?? 0) + 1);
    this.total++;
  }

  snapshot(): { calls: Record<string, number>; total: number } {
    return {
      calls: Object.fromEntries([...this.calls].sort(([a], [b]) => a.localeCompare(b))),
      total: this.total,
    };
  }

  reset(): void {
    this.calls.clear();
    this.total = 0;
  }
}
