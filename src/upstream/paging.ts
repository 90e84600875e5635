/** One page of a CMDB list answer (`data.count` and the page's `data.info`). */
export interface Page<T> {
  count: number;
  items: T[];
}

export interface PagingOptions {
  /** The endpoint's documented page limit; no request asks for more. */
  pageSize: number;
  /** Pages fetched at once after the first. */
  concurrency: number;
  /** Stop after this many items (the answer's `count` still reports the upstream total). */
  max?: number;
}

/**
 * Fetches every page of an offset-paged list: the first page (which tells the total), then the
 * remaining pages with bounded concurrency. Items come back in page order. The first failing page
 * fails the whole fetch and no further page is started. Not snapshot-consistent: rows may move
 * between pages while they are read, exactly as with CMDB's own clients.
 */
export async function fetchAllPages<T>(
  fetchPage: (start: number, limit: number) => Promise<Page<T>>,
  { pageSize, concurrency, max = Number.POSITIVE_INFINITY }: PagingOptions,
): Promise<Page<T>> {
  if (!Number.isInteger(pageSize) || pageSize < 1)
    throw new TypeError(`fetchAllPages needs a positive integer pageSize, but got: ${String(pageSize)}.`);
  if (!Number.isInteger(concurrency) || concurrency < 1)
    throw new TypeError(
      `fetchAllPages needs a positive integer concurrency, but got: ${String(concurrency)}.`,
    );
  if (max <= 0) return { count: 0, items: [] };

  const first = await fetchPage(0, Math.min(pageSize, max));
  const wanted = Math.min(first.count, max);
  const starts: number[] = [];
  for (let start = pageSize; start < wanted; start += pageSize) starts.push(start);

  const pages: T[][] = new Array<T[]>(starts.length);
  let next = 0;
  let failed = false;
  const worker = async () => {
    while (!failed && next < starts.length) {
      const i = next++;
      const start = starts[i] as number;
      try {
        pages[i] = (await fetchPage(start, Math.min(pageSize, wanted - start))).items;
      } catch (e) {
        failed = true;
        throw e;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, starts.length) }, worker));
  const items = first.items.concat(...pages);
  return { count: first.count, items: items.length > max ? items.slice(0, max) : items };
}

/** The window `[offset, offset + limit)` of a list, as a caller asks for it. */
export interface Window {
  offset: number;
  limit: number;
}

/**
 * Fetches the window `[offset, offset + limit)` of a CMDB list whose API answers at most `pageSize`
 * items per call, through the upstream paging helper (first page, then the rest concurrently).
 * The helper counts from 0, so the window is shifted; the total is the one CMDB reported.
 */
export async function fetchWindow<T>(
  window: Window,
  pageSize: number,
  fetchPage: (start: number, limit: number) => Promise<Page<T>>,
  concurrency = 4,
): Promise<Page<T>> {
  let total = 0;
  const { items } = await fetchAllPages(
    async (start, limit) => {
      const page = await fetchPage(window.offset + start, limit);
      if (start === 0) total = page.count;
      return { count: Math.max(0, page.count - window.offset), items: page.items };
    },
    { pageSize, concurrency, max: window.limit },
  );
  return { count: total, items };
}
