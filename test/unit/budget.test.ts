import { describe, expect, it } from 'vitest';
import { Pacer } from '../../src/api/pacer.js';
import { fitToBudget } from '../../src/mcp/budget.js';

const rows = (n: number) => Array.from({ length: n }, (_, i) => ({ id: i, bio: 'x'.repeat(200) }));

describe('response budget', () => {
  it('leaves small results alone', () => {
    const small = { items: rows(2), pagination: { page: 1, limit: 2 } };
    expect(fitToBudget(small, 25_000)).toBe(small);
  });

  it('cuts to whole records, marks it, and gives an exact continuation', () => {
    const big = { items: rows(100), pagination: { page: 2, limit: 100, total: 500, has_next: true } };
    const out = fitToBudget(big, 5_000) as {
      items: { id: number }[];
      truncated: boolean;
      truncation: { continue_with: { page: number; limit: number } };
      pagination: { page: number; limit: number; total: number; has_next: boolean; continue_with: unknown };
    };
    const text = JSON.stringify(out);
    expect(text.length).toBeLessThanOrEqual(5_000);
    expect(JSON.parse(text)).toEqual(out);
    expect(out.truncated).toBe(true);
    const { page, limit } = out.truncation.continue_with;
    expect(100 % limit).toBe(0);
    expect(out.items).toHaveLength(limit);
    // The next page of that size starts right after the last record returned (page 2 of 100 → offset 100).
    expect((page - 1) * limit).toBe(100 + limit);
    expect(out.items[0]!.id).toBe(0);
    // pagination agrees: the page returned in the smaller size, more to come, and how to get it.
    expect(out.pagination).toEqual({
      page: page - 1,
      limit,
      total: 500,
      has_next: true,
      continue_with: { page, limit },
    });
  });

  it('a cut last page says there is more, drops the cursor that would skip, and names page_size for the inbox', () => {
    const last = {
      items: rows(60),
      pagination: { page: 1, limit: 60, total: 60, has_next: false, next_cursor: null },
    };
    const out = fitToBudget(last, 5_000, 'page_size') as {
      items: unknown[];
      pagination: Record<string, unknown>;
      truncation: { continue_with: Record<string, number>; hint: string };
    };
    expect(out.pagination.has_next).toBe(true);
    expect(out.pagination).not.toHaveProperty('next_cursor');
    expect(out.pagination.continue_with).toEqual({ page: 2, page_size: out.items.length });
    expect(out.truncation.continue_with).toEqual(out.pagination.continue_with);
    expect(out.truncation.hint).toContain(`page=2 and page_size=${out.items.length}`);
  });

  it('shortens one huge record without breaking its JSON', () => {
    const out = fitToBudget({ id: 1, content: 'y'.repeat(100_000) }, 3_000);
    expect(JSON.stringify(out).length).toBeLessThanOrEqual(3_000);
    expect(out.truncated).toBe(true);
    expect(String(out.content)).toMatch(/more characters/);
  });
});

describe('pacer', () => {
  it('lets a burst of the limit through, then waits for answered permits to cool down', async () => {
    const pacer = new Pacer({ perSecond: 5, perMinute: 1000 });
    const started = Date.now();
    const at: number[] = [];
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        const release = await pacer.take('k');
        at.push(Date.now() - started);
        release();
      }),
    );
    expect(at.filter((t) => t < 500)).toHaveLength(5);
    expect(Math.min(...at.slice(5))).toBeGreaterThanOrEqual(990);
  });

  it('keeps credentials apart', async () => {
    const pacer = new Pacer({ perSecond: 1, perMinute: 10 });
    const started = Date.now();
    (await pacer.take('a'))();
    (await pacer.take('b'))();
    expect(Date.now() - started).toBeLessThan(200);
  });
});
