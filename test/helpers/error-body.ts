/** The one error body (README "Results and errors"): what every failed tool call must carry. */
import { expect } from 'vitest';
import type { ToolErrorBody } from '../../src/runtime/errors/body.js';
import { ERROR_CLASSES } from '../../src/runtime/errors/classes.js';

export type ErrorBody = ToolErrorBody;

/** The tool result's error body, checked key by key against its class; returns it. */
export function errorOf(result: unknown): ErrorBody {
  const r = result as {
    isError?: boolean;
    structuredContent?: { error?: ErrorBody };
    content?: { text?: string }[];
  };
  expect(r.isError, JSON.stringify(result)).toBe(true);
  const body = r.structuredContent?.error as ErrorBody;
  expect(JSON.parse(r.content?.[0]?.text ?? 'null')).toEqual(r.structuredContent);
  expect(Object.keys(body)).toEqual(
    expect.arrayContaining(['status', 'type', 'code', 'message', 'field', 'request_id', 'retryable', 'hint']),
  );
  const cls = ERROR_CLASSES[body.code];
  expect(cls, `code ${body.code} is a documented class`).toBeDefined();
  expect(body.status === null || (Number.isInteger(body.status) && body.status >= 100)).toBe(true);
  expect(body.type).toBe(cls.type);
  expect(body.retryable).toBe(cls.retryable);
  expect(typeof body.message).toBe('string');
  expect(body.field === null || typeof body.field === 'string').toBe(true);
  expect(body.request_id === null || typeof body.request_id === 'string').toBe(true);
  expect(body.hint, 'every part of the hint is filled').not.toMatch(/\{\w+\}/);
  return body;
}
