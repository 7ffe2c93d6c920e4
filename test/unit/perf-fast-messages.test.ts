/**
 * The JSON-RPC lines stdio's fast front answers itself (src/fast/messages.ts) must be ones the
 * SDK's own schemas accept; anything else is left to the real server.
 */
import { serializeMessage } from '@modelcontextprotocol/sdk/shared/stdio.js';
import {
  InitializeRequestSchema,
  JSONRPCMessageSchema,
  ListPromptsRequestSchema,
  ListResourcesRequestSchema,
  ListResourceTemplatesRequestSchema,
  ListToolsRequestSchema,
  PingRequestSchema,
} from '@modelcontextprotocol/sdk/types.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  certainFixed,
  certainInitialize,
  certainToolsList,
  isInitializedNotification,
  parseLine,
  resultLine,
} from '../../src/fast/messages.js';

const sdkAccepts = (msg: unknown, schema: { safeParse(v: unknown): { success: boolean } }) =>
  JSONRPCMessageSchema.safeParse(msg).success && schema.safeParse(msg).success;

/** The SDK's schema of each request the front answers from the catalogue as it is. */
const FIXED_SCHEMAS = {
  ping: PingRequestSchema,
  'resources/list': ListResourcesRequestSchema,
  'resources/templates/list': ListResourceTemplatesRequestSchema,
  'prompts/list': ListPromptsRequestSchema,
} as const;

const anything = fc.oneof(
  fc.constant(undefined),
  fc.constant(null),
  fc.boolean(),
  fc.integer(),
  fc.string({ maxLength: 3 }),
  fc.constant([]),
  fc.constant({}),
  fc.constant({ x: 1 }),
  fc.constant({ x: true }),
  fc.constant({ applyDefaults: 'yes' }),
);
/** Mostly well-formed, sometimes anything: enough valid messages to check, and every kind of wrong. */
const usually = <T>(good: fc.Arbitrary<T>) =>
  fc.oneof({ arbitrary: good, weight: 5 }, { arbitrary: anything, weight: 1 });
/** Adds `key` to an object now and then (each added key is one more way for a message to be odd). */
const rarely = <T extends object>(base: fc.Arbitrary<T>, key: string, value: fc.Arbitrary<unknown>) =>
  fc
    .tuple(base, fc.nat(9), value)
    .map(([o, n, v]) => (n === 0 && typeof o === 'object' && o !== null ? { ...o, [key]: v } : o));
const objectOf = (keys: string[], value: fc.Arbitrary<unknown> = anything) =>
  fc.dictionary(fc.constantFrom(...keys), value, { maxKeys: keys.length });

const flag = usually(fc.boolean());
const capabilities = usually(
  fc.record(
    {
      experimental: usually(objectOf(['a', 'b'], usually(fc.constant({})))),
      extensions: usually(objectOf(['io.x'], usually(fc.constant({ v: 1 })))),
      sampling: usually(objectOf(['context', 'tools'], usually(fc.constant({})))),
      elicitation: usually(
        fc.record(
          {
            form: usually(objectOf(['applyDefaults', 'other'], flag)),
            url: usually(fc.constant({})),
            other: anything,
          },
          { requiredKeys: [] },
        ),
      ),
      roots: usually(objectOf(['listChanged'], flag)),
      tasks: usually(objectOf(['list', 'cancel', 'requests'], usually(fc.constant({})))),
      custom: anything,
    },
    { requiredKeys: [] },
  ),
);

const text = usually(fc.string({ maxLength: 4 }));
const initializeBase = fc.record(
  {
    jsonrpc: usually(fc.constant('2.0')),
    id: usually(fc.oneof(fc.integer(), fc.string({ maxLength: 4 }), fc.double())),
    method: fc.constantFrom('initialize', 'initialize', 'initialise'),
    params: usually(
      fc.record(
        {
          protocolVersion: usually(fc.constantFrom('2025-06-18', '1999-01-01')),
          capabilities,
          clientInfo: usually(
            rarely(
              fc.record(
                { name: text, version: text, title: text, websiteUrl: text, description: text },
                { requiredKeys: ['name', 'version'] },
              ),
              'icons',
              anything,
            ),
          ),
        },
        { requiredKeys: ['protocolVersion', 'capabilities', 'clientInfo'] },
      ),
    ),
  },
  { requiredKeys: ['jsonrpc', 'id', 'method'] },
);
const initialize = rarely(
  rarely(initializeBase, 'extra', anything),
  'params',
  fc.record({ _meta: anything }),
);

describe('fast front: which lines it answers', () => {
  it('an initialize it accepts is always one the SDK accepts', () => {
    let accepted = 0;
    fc.assert(
      fc.property(initialize, (msg) => {
        if (!certainInitialize(msg)) return;
        accepted++;
        expect(sdkAccepts(msg, InitializeRequestSchema), JSON.stringify(msg)).toBe(true);
      }),
      { numRuns: 8000 },
    );
    expect(accepted).toBeGreaterThan(50);
  });

  it('a tools/list it accepts is always one the SDK accepts', () => {
    let accepted = 0;
    fc.assert(
      fc.property(
        fc.record(
          {
            jsonrpc: fc.constant('2.0'),
            id: fc.oneof(fc.integer(), fc.string({ maxLength: 3 }), fc.double()),
            method: fc.constantFrom('tools/list', 'tools/call'),
            params: fc.oneof(
              anything,
              fc.record({ cursor: anything, _meta: anything }, { requiredKeys: [] }),
            ),
          },
          { requiredKeys: ['jsonrpc', 'id', 'method'] },
        ),
        (msg) => {
          if (!certainToolsList(msg)) return;
          accepted++;
          expect(sdkAccepts(msg, ListToolsRequestSchema), JSON.stringify(msg)).toBe(true);
        },
      ),
      { numRuns: 2000 },
    );
    expect(accepted).toBeGreaterThan(0);
  });

  it('a ping or resource/prompt list it accepts is always one the SDK accepts, of that method', () => {
    let accepted = 0;
    fc.assert(
      fc.property(
        rarely(
          fc.record(
            {
              jsonrpc: usually(fc.constant('2.0')),
              id: usually(fc.oneof(fc.integer(), fc.string({ maxLength: 3 }), fc.double())),
              method: fc.constantFrom(
                'ping',
                'resources/list',
                'resources/templates/list',
                'prompts/list',
                'prompts/get',
                'resources/read',
                'tools/list',
                'toString',
                '__proto__',
              ),
              params: fc.oneof(
                anything,
                fc.record({ cursor: anything, _meta: anything, x: anything }, { requiredKeys: [] }),
              ),
            },
            { requiredKeys: ['jsonrpc', 'id', 'method'] },
          ),
          'extra',
          anything,
        ),
        (msg) => {
          const req = certainFixed(msg);
          if (!req) return;
          accepted++;
          expect(req.method).toBe(msg.method);
          expect(sdkAccepts(msg, FIXED_SCHEMAS[req.method]), JSON.stringify(msg)).toBe(true);
          // …and the plainest shape only: nothing in params, nothing beside the four members.
          expect(Object.keys(req.params ?? {})).toEqual([]);
          expect(Object.keys(msg).every((k) => ['jsonrpc', 'id', 'method', 'params'].includes(k))).toBe(true);
        },
      ),
      { numRuns: 4000 },
    );
    expect(accepted).toBeGreaterThan(50);
  });

  it('accepts what real clients send', () => {
    const init = (capabilities: Record<string, unknown>) => ({
      jsonrpc: '2.0',
      id: 0,
      method: 'initialize',
      params: {
        protocolVersion: '2025-06-18',
        capabilities,
        clientInfo: { name: 'claude-ai', version: '0.1.0' },
      },
    });
    expect(certainInitialize(init({}))).toBeDefined();
    expect(certainInitialize(init({ elicitation: {} }))).toBeDefined();
    expect(certainInitialize(init({ roots: { listChanged: true }, sampling: {} }))).toBeDefined();
    expect(certainInitialize(init({ elicitation: { form: {}, url: {} } }))).toBeDefined();
    expect(certainToolsList({ jsonrpc: '2.0', id: 1, method: 'tools/list' })).toBeDefined();
    expect(certainToolsList({ jsonrpc: '2.0', id: 'a', method: 'tools/list', params: {} })).toBeDefined();
    expect(isInitializedNotification({ jsonrpc: '2.0', method: 'notifications/initialized' })).toBe(true);
    for (const method of Object.keys(FIXED_SCHEMAS)) {
      expect(certainFixed({ jsonrpc: '2.0', id: 3, method })?.method).toBe(method);
      expect(certainFixed({ method, params: {}, id: 'x', jsonrpc: '2.0' })?.id).toBe('x');
    }
  });

  it('leaves a ping or list with a cursor, _meta or anything else to the real server', () => {
    const req = (method: string, params?: unknown, extra: Record<string, unknown> = {}) => ({
      jsonrpc: '2.0',
      id: 1,
      method,
      ...(params === undefined ? {} : { params }),
      ...extra,
    });
    for (const method of Object.keys(FIXED_SCHEMAS)) {
      expect(certainFixed(req(method, { cursor: 'c' }))).toBeUndefined();
      expect(certainFixed(req(method, { _meta: {} }))).toBeUndefined();
      expect(certainFixed(req(method, { _meta: { progressToken: 1 } }))).toBeUndefined();
      expect(certainFixed(req(method, { x: 1 }))).toBeUndefined();
      expect(certainFixed(req(method, []))).toBeUndefined();
      expect(certainFixed(req(method, null))).toBeUndefined();
      expect(certainFixed(req(method, undefined, { extra: 1 }))).toBeUndefined();
      expect(certainFixed(req(method, undefined, { id: 1.5 }))).toBeUndefined();
      expect(certainFixed(req(method, undefined, { jsonrpc: '1.0' }))).toBeUndefined();
      expect(certainFixed({ jsonrpc: '2.0', method })).toBeUndefined(); // a notification
    }
    for (const method of ['tools/list', 'prompts/get', 'resources/read', 'toString', 'constructor'])
      expect(certainFixed(req(method))).toBeUndefined();
    expect(certainFixed(undefined)).toBeUndefined();
    expect(certainFixed([req('ping')])).toBeUndefined();
  });

  it('leaves _meta, progress tokens and odd shapes to the real server', () => {
    expect(
      certainToolsList({ jsonrpc: '2.0', id: 1, method: 'tools/list', params: { _meta: {} } }),
    ).toBeUndefined();
    expect(certainToolsList({ jsonrpc: '2.0', id: 1.5, method: 'tools/list' })).toBeUndefined();
    expect(certainToolsList({ jsonrpc: '2.0', id: 1, method: 'tools/list', extra: 1 })).toBeUndefined();
    expect(
      certainInitialize({
        jsonrpc: '2.0',
        id: 1,
        method: 'initialize',
        params: {
          protocolVersion: '1',
          capabilities: { roots: { listChanged: 'yes' } },
          clientInfo: { name: 'a', version: '1' },
        },
      }),
    ).toBeUndefined();
    expect(parseLine('not json')).toBeUndefined();
    expect(parseLine('{"a":1}\r')).toEqual({ a: 1 });
  });

  it('writes results byte for byte as the SDK stdio transport does', () => {
    const result = { tools: [{ name: 'x', inputSchema: { type: 'object' } }] };
    expect(resultLine(7, result)).toBe(serializeMessage({ result, jsonrpc: '2.0', id: 7 }));
    expect(resultLine('a', {})).toBe(serializeMessage({ result: {}, jsonrpc: '2.0', id: 'a' }));
  });
});
