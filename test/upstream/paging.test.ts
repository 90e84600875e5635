import { fetchAllPages } from '../../src/upstream/paging';

/** A list endpoint over `total` rows that enforces its documented limit like CMDB does. */
function listEndpoint(total: number, limit: number) {
  const rows = Array.from({ length: total }, (_, i) => ({ id: i + 1 }));
  const calls: Array<{ start: number; limit: number }> = [];
  const busyAtStart: number[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const fetchPage = async (start: number, pageLimit: number) => {
    calls.push({ start, limit: pageLimit });
    busyAtStart.push(inFlight);
    if (pageLimit > limit) throw new Error(`page.limit ${pageLimit} exceeds ${limit}`);
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    // Later pages answer sooner, so order can only come from the helper.
    await new Promise((r) => setTimeout(r, Math.max(1, 20 - start / limit)));
    inFlight--;
    return { count: total, items: rows.slice(start, start + pageLimit) };
  };
  return { fetchPage, calls, busyAtStart, rows, maxInFlight: () => maxInFlight };
}

describe('fetchAllPages', () => {
  it('fetches every row in order without asking for more than the page size', async () => {
    const endpoint = listEndpoint(1234, 200);
    const result = await fetchAllPages(endpoint.fetchPage, { pageSize: 200, concurrency: 3 });
    expect(result.count).toBe(1234);
    expect(result.items).toEqual(endpoint.rows);
    expect(endpoint.calls.every((c) => c.limit <= 200)).toBe(true);
    expect(endpoint.calls.map((c) => c.start).sort((a, b) => a - b)).toEqual([
      0, 200, 400, 600, 800, 1000, 1200,
    ]);
    expect(endpoint.calls.find((c) => c.start === 1200)?.limit).toBe(34);
  });

  it('fetches the first page alone, then at most `concurrency` pages at once', async () => {
    const endpoint = listEndpoint(2000, 100);
    await fetchAllPages(endpoint.fetchPage, { pageSize: 100, concurrency: 4 });
    expect(endpoint.calls[0]).toEqual({ start: 0, limit: 100 });
    expect(endpoint.busyAtStart.slice(0, 2)).toEqual([0, 0]);
    expect(endpoint.maxInFlight()).toBe(4);
  });

  it('makes a single call when everything fits in the first page', async () => {
    const endpoint = listEndpoint(37, 500);
    const result = await fetchAllPages(endpoint.fetchPage, { pageSize: 500, concurrency: 4 });
    expect(result.items).toHaveLength(37);
    expect(endpoint.calls).toEqual([{ start: 0, limit: 500 }]);
  });

  it('stops at `max` items while reporting the upstream total', async () => {
    const endpoint = listEndpoint(1000, 200);
    const result = await fetchAllPages(endpoint.fetchPage, { pageSize: 200, concurrency: 2, max: 450 });
    expect(result.count).toBe(1000);
    expect(result.items).toEqual(endpoint.rows.slice(0, 450));
    expect(endpoint.calls.reduce((n, c) => n + c.limit, 0)).toBe(450);
  });

  it('fails on the first failing page and starts no page after it', async () => {
    const endpoint = listEndpoint(1000, 100);
    const fetchPage = (start: number, limit: number) =>
      start === 300 ? Promise.reject(new Error('page 300 failed')) : endpoint.fetchPage(start, limit);
    await expect(fetchAllPages(fetchPage, { pageSize: 100, concurrency: 1 })).rejects.toThrow(
      'page 300 failed',
    );
    expect(endpoint.calls.map((c) => c.start)).toEqual([0, 100, 200]);
  });

  it('rejects a page size or concurrency that is not a positive integer', async () => {
    const endpoint = listEndpoint(10, 10);
    await expect(fetchAllPages(endpoint.fetchPage, { pageSize: 0, concurrency: 1 })).rejects.toThrow(
      /pageSize/,
    );
    await expect(fetchAllPages(endpoint.fetchPage, { pageSize: 10, concurrency: 0.5 })).rejects.toThrow(
      /concurrency/,
    );
    expect(endpoint.calls).toHaveLength(0);
  });
});
