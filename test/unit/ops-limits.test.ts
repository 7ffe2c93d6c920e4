/** Per-principal call limits (src/ops/limits.ts) on a fake clock, and the route labels of metrics. */
import { describe, expect, it } from 'vitest';
import { PrincipalLimits } from '../../src/ops/limits.js';
import { routeLabel } from '../../src/ops/metrics.js';

function clock() {
  let now = 1_000_000;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

describe('PrincipalLimits', () => {
  it('admits a burst of a tenth of the minute, then refuses with when to retry', () => {
    const t = clock();
    const limits = new PrincipalLimits({ callsPerMinute: 60, maxInflight: 0 }, t.now);
    for (let i = 0; i < 6; i++) {
      const a = limits.admit('key:a');
      expect(a.ok).toBe(true);
      if (a.ok) a.release();
    }
    const refused = limits.admit('key:a');
    expect(refused).toEqual({ ok: false, reason: 'rate', retryAfterSeconds: 1 });
    // Another principal has its own bucket.
    expect(limits.admit('grant:b').ok).toBe(true);
    // One call a second comes back.
    t.advance(1000);
    expect(limits.admit('key:a').ok).toBe(true);
    expect(limits.admit('key:a').ok).toBe(false);
  });

  it('says how long until the next call for a slow rate', () => {
    const t = clock();
    const limits = new PrincipalLimits({ callsPerMinute: 2, maxInflight: 0 }, t.now);
    expect(limits.admit('k').ok).toBe(true);
    const refused = limits.admit('k');
    expect(refused.ok).toBe(false);
    if (!refused.ok) expect(refused.retryAfterSeconds).toBe(30);
    t.advance(30_000);
    expect(limits.admit('k').ok).toBe(true);
  });

  it('caps calls in flight; a release (once, however often called) frees a place', () => {
    const limits = new PrincipalLimits({ callsPerMinute: 0, maxInflight: 2 });
    const a = limits.admit('k');
    const b = limits.admit('k');
    expect(a.ok && b.ok).toBe(true);
    expect(limits.admit('k')).toEqual({ ok: false, reason: 'inflight', retryAfterSeconds: 1 });
    expect(limits.admit('other').ok).toBe(true);
    if (a.ok) {
      a.release();
      a.release();
    }
    const c = limits.admit('k');
    expect(c.ok).toBe(true);
    expect(limits.admit('k').ok).toBe(false);
  });

  it('0 and 0 turn both off', () => {
    const limits = new PrincipalLimits({ callsPerMinute: 0, maxInflight: 0 });
    for (let i = 0; i < 10_000; i++) expect(limits.admit('k').ok).toBe(true);
  });

  it('forgets idle principals beyond its bound, never one with calls in flight', () => {
    const limits = new PrincipalLimits({ callsPerMinute: 0, maxInflight: 1 });
    expect(limits.admit('busy').ok).toBe(true);
    for (let i = 0; i < 10_000; i++) {
      const a = limits.admit(`idle-${i}`);
      if (a.ok) a.release();
    }
    expect(limits.admit('busy').ok).toBe(false);
  });
});

describe('routeLabel', () => {
  it('keeps templates and turns a raw id into {id}', () => {
    expect(routeLabel('/contacts/{contact_id}')).toBe('/contacts/{contact_id}');
    expect(routeLabel('/lifecycle-stages/{stage}/records')).toBe('/lifecycle-stages/{stage}/records');
    expect(routeLabel('/contacts/101/notes')).toBe('/contacts/{id}/notes');
    expect(routeLabel('/jobs/job_8f3a')).toBe('/jobs/{id}');
  });
});
