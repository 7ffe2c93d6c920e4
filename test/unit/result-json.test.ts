/**
 * messageJson splices a result's remembered structuredContent JSON into the answer: it must be
 * exactly JSON.stringify of the message, for every result shape the builders make.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../../src/api/errors.js';
import { apiErrorResult, structuredResult, successResult } from '../../src/mcp/result.js';
import { messageJson } from '../../src/mcp/result-json.js';

const answer = (id: string | number, result: unknown) => ({ result, jsonrpc: '2.0', id });

describe('messageJson', () => {
  it('equals JSON.stringify for success results of any JSON data, list or object, cut or not', () => {
    fc.assert(
      fc.property(
        fc.jsonValue(),
        fc.option(fc.jsonValue(), { nil: undefined }),
        fc.oneof(fc.integer(), fc.string()),
        fc.integer({ min: 50, max: 30_000 }),
        (data, pagination, id, budget) => {
          const message = answer(id, successResult(data, pagination, budget));
          expect(messageJson(message)).toBe(JSON.stringify(message));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('equals JSON.stringify for structured and error results, and keys left undefined', () => {
    const structured = structuredResult({ a: 1, b: [1, 'two', null], c: { d: 'é"\\\n' } });
    const failed = apiErrorResult(new ApiError({ status: 404, message: 'Not found' }), 'read');
    for (const result of [structured, failed, { ...structured, isError: undefined }]) {
      const message = answer(7, result);
      expect(messageJson(message)).toBe(JSON.stringify(message));
    }
  });

  it('falls back to JSON.stringify for anything it has no JSON for', () => {
    const copy = JSON.parse(JSON.stringify(successResult([{ id: 1 }])));
    for (const message of [answer(1, copy), { jsonrpc: '2.0', id: 1, error: { code: 1, message: 'x' } }]) {
      expect(messageJson(message)).toBe(JSON.stringify(message));
    }
  });
});
