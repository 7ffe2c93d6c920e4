/** Our era routing (src/remote/era.ts) decides exactly as the SDK's isLegacyRequest does. */
import { isLegacyRequest } from '@modelcontextprotocol/server';
import { describe, expect, it } from 'vitest';
import { isLegacy } from '../../src/remote/era.js';

const ENVELOPE = {
  'io.modelcontextprotocol/protocolVersion': '2026-07-28',
  'io.modelcontextprotocol/clientInfo': { name: 'c', version: '1' },
  'io.modelcontextprotocol/clientCapabilities': {},
};
const call = (meta?: object) => ({
  jsonrpc: '2.0',
  id: 1,
  method: 'tools/call',
  params: { name: 'g8_whoami', arguments: {}, ...(meta ? { _meta: meta } : {}) },
});

const CASES: { label: string; method: string; headers?: Record<string, string>; body?: unknown }[] = [
  {
    label: 'initialize',
    method: 'POST',
    body: { jsonrpc: '2.0', id: 0, method: 'initialize', params: { protocolVersion: '2025-06-18' } },
  },
  { label: 'a call without envelope', method: 'POST', body: call() },
  { label: 'a call with the envelope', method: 'POST', body: call(ENVELOPE) },
  {
    label: 'envelope and matching headers',
    method: 'POST',
    headers: { 'mcp-protocol-version': '2026-07-28', 'mcp-method': 'tools/call', 'mcp-name': 'g8_whoami' },
    body: call(ENVELOPE),
  },
  {
    label: 'a modern header without envelope',
    method: 'POST',
    headers: { 'mcp-protocol-version': '2026-07-28' },
    body: call(),
  },
  {
    label: 'an unknown envelope version',
    method: 'POST',
    body: call({ ...ENVELOPE, 'io.modelcontextprotocol/protocolVersion': '2099-01-01' }),
  },
  { label: 'a notification', method: 'POST', body: { jsonrpc: '2.0', method: 'notifications/initialized' } },
  { label: 'a client response', method: 'POST', body: { jsonrpc: '2.0', id: 5, result: {} } },
  { label: 'a legacy batch', method: 'POST', body: [call(), call()] },
  { label: 'an empty body', method: 'POST' },
  { label: 'GET', method: 'GET' },
  { label: 'DELETE', method: 'DELETE' },
];

describe('era routing', () => {
  it.each(CASES)('$label', async ({ method, headers = {}, body }) => {
    const request = new Request('http://127.0.0.1/mcp', {
      method,
      headers: { 'content-type': 'application/json', ...headers },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const sdk = await isLegacyRequest(request);
    expect(isLegacy({ method, headers }, body)).toBe(sdk);
  });
});
