import { describe, expect, it } from 'vitest';
import {
  apiErrorFromResponse,
  ConnectionError,
  NotFoundError,
  parseRetryAfter,
  RateLimitError,
} from '../../src/api/errors.js';
import { buildPath, buildQuery } from '../../src/api/path.js';
import { defaultRetryPolicy, retryDelayMs, shouldRetry } from '../../src/api/retry.js';
import { buildRestRequest } from '../../src/runtime/request.js';

describe('path and query building', () => {
  it('encodes ids so they cannot change the route', () => {
    expect(buildPath('/inbox/{reply_id}', { reply_id: '../contacts?x=1#y' })).toBe(
      '/inbox/..%2Fcontacts%3Fx%3D1%23y',
    );
    expect(buildPath('/contacts/{contact_id}', { contact_id: 101 })).toBe('/contacts/101');
    expect(() => buildPath('/contacts/{contact_id}', {})).toThrow(/contact_id/);
  });

  it('drops undefined and repeats arrays', () => {
    expect(buildQuery({ a: 1, b: undefined, c: ['x', 'y'], d: false })).toBe('?a=1&c=x&c=y&d=false');
    expect(buildQuery({})).toBe('');
  });

  it('places fields in path, query and body by the binding', () => {
    const req = buildRestRequest(
      { method: 'POST', path: '/inbox/{reply_id}/assign', query: ['channel'] },
      { reply_id: 'thr_1', channel: 'email', assignee_email: 'a@b.test', unset: undefined },
    );
    expect(req).toEqual({
      method: 'POST',
      path: '/inbox/{reply_id}/assign',
      params: { reply_id: 'thr_1' },
      query: { channel: 'email' },
      body: { assignee_email: 'a@b.test' },
    });
    const get = buildRestRequest({ method: 'GET', path: '/contacts' }, { page: 1, limit: 25 });
    expect(get).toEqual({ method: 'GET', path: '/contacts', params: {}, query: { page: 1, limit: 25 } });
    const action = buildRestRequest({ method: 'POST', path: '/x/{id}/pause', noBody: true }, { id: 's' });
    expect(action.body).toBeUndefined();
  });
});

describe('error parsing', () => {
  it('reads the four body shapes', () => {
    expect(apiErrorFromResponse(404, { detail: 'Contact not found' }, {}).message).toBe('Contact not found');
    const b = apiErrorFromResponse(422, { detail: [{ loc: ['body', 'email'], msg: 'bad', type: 'x' }] }, {});
    expect(b.fieldErrors).toEqual([{ field: 'email', message: 'bad' }]);
    const c = apiErrorFromResponse(
      403,
      {
        type: 'forbidden',
        code: '403',
        detail: 'API key lacks scope inbox:run',
        required_scope: 'inbox:run',
      },
      {},
    );
    expect([c.type, c.requiredScope]).toEqual(['forbidden', 'inbox:run']);
    const d = apiErrorFromResponse(
      400,
      { error: { code: 'validation_error', message: 'm', field: 'f' } },
      {},
    );
    expect([d.code, d.message, d.fieldErrors[0]?.field]).toEqual(['validation_error', 'm', 'f']);
    const launch = apiErrorFromResponse(502, { detail: { status: 'activation_state_uncertain' } }, {});
    expect(launch.message).toBe('activation_state_uncertain');
    expect(launch.detail).toEqual({ status: 'activation_state_uncertain' });
  });

  it('picks the class by status and finds the scope in words', () => {
    expect(apiErrorFromResponse(404, {}, {})).toBeInstanceOf(NotFoundError);
    expect(apiErrorFromResponse(429, {}, { retryAfter: '3' })).toBeInstanceOf(RateLimitError);
    expect(apiErrorFromResponse(403, { detail: 'API key lacks scope sequences:run' }, {}).requiredScope).toBe(
      'sequences:run',
    );
  });

  it('caps and flattens upstream text', () => {
    const e = apiErrorFromResponse(500, { detail: `a\n\u0000b${'x'.repeat(1000)}` }, {});
    expect(e.message.length).toBeLessThanOrEqual(301);
    expect(e.message.startsWith('a b')).toBe(true);
  });

  it('reads Retry-After as seconds, HTTP date, or retry-after-ms', () => {
    expect(parseRetryAfter('2', undefined)).toBe(2);
    expect(parseRetryAfter(undefined, '1500')).toBe(1.5);
    const now = Date.parse('2026-11-24T12:00:00Z');
    expect(parseRetryAfter('Tue, 24 Nov 2026 12:00:05 GMT', undefined, now)).toBe(5);
    expect(parseRetryAfter('soon', undefined)).toBeUndefined();
  });
});

describe('retry policy', () => {
  const conn = (code: string) => new ConnectionError({ status: 0, code, message: 'x' });
  const http = (status: number) => apiErrorFromResponse(status, {}, {});

  it('reads retry 408, 429, 5xx and connection failures', () => {
    for (const s of [408, 429, 500, 502, 503]) expect(shouldRetry(http(s), 'safe')).toBe(true);
    expect(shouldRetry(http(404), 'safe')).toBe(false);
    expect(shouldRetry(conn('ECONNRESET'), 'safe')).toBe(true);
  });

  it('keyed writes retry only 429 and connection failures', () => {
    expect(shouldRetry(http(500), 'keyed')).toBe(false);
    expect(shouldRetry(http(429), 'keyed')).toBe(true);
    expect(shouldRetry(conn('ECONNRESET'), 'keyed')).toBe(true);
  });

  it('external calls retry only what never arrived', () => {
    expect(shouldRetry(http(500), 'once')).toBe(false);
    expect(shouldRetry(conn('ECONNRESET'), 'once')).toBe(false);
    expect(shouldRetry(conn('ECONNREFUSED'), 'once')).toBe(true);
    expect(shouldRetry(http(429), 'once')).toBe(true);
  });

  it('honours Retry-After up to the cap, else backs off exponentially', () => {
    expect(retryDelayMs(apiErrorFromResponse(429, {}, { retryAfter: '2' }), 1, defaultRetryPolicy)).toBe(
      2000,
    );
    expect(retryDelayMs(apiErrorFromResponse(429, {}, { retryAfter: '9999' }), 1, defaultRetryPolicy)).toBe(
      60_000,
    );
    expect(retryDelayMs(http(503), 1, defaultRetryPolicy, () => 1)).toBe(500);
    expect(retryDelayMs(http(503), 2, defaultRetryPolicy, () => 0)).toBe(500);
  });
});
