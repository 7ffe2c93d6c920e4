/**
 * Which JSON-RPC lines the fast start-up may answer itself. Like the settings reader, these only
 * ever accept: a line passes when it is certainly what the SDK's schemas accept (JSONRPCMessage,
 * then InitializeRequest, ListToolsRequest or one of the FIXED requests) in a common, plain shape;
 * anything else — a `_meta`, a cursor where the front does not take one, an unusual capability, a
 * malformed line — is left to the real server, which answers it as it always has.
 * test/unit/perf-fast-messages.test.ts checks these against the SDK's own schemas.
 */

export type RequestId = string | number;

export interface Request {
  readonly jsonrpc: '2.0';
  readonly id: RequestId;
  readonly method: string;
  readonly params?: Record<string, unknown>;
}

type Obj = Record<string, unknown>;

const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
/** The SDK's AssertObjectSchema: any non-null object (arrays included). */
const isAnyObject = (v: unknown) => typeof v === 'object' && v !== null;
const optional = (v: unknown, check: (v: unknown) => boolean) => v === undefined || check(v);
const isString = (v: unknown) => typeof v === 'string';

/** Parses one line as stdio's ReadBuffer would hand it over (without its newline and a trailing CR). */
export function parseLine(line: string): unknown {
  try {
    return JSON.parse(line.replace(/\r$/, ''));
  } catch {
    return undefined;
  }
}

/** A JSON-RPC request with nothing but the four members and a plain params object (no `_meta`). */
function asRequest(msg: unknown, method: string): Request | undefined {
  if (!isObject(msg) || msg.jsonrpc !== '2.0' || msg.method !== method) return undefined;
  for (const key of Object.keys(msg))
    if (!['jsonrpc', 'id', 'method', 'params'].includes(key)) return undefined;
  const id = msg.id;
  if (!(typeof id === 'string' || (typeof id === 'number' && Number.isSafeInteger(id)))) return undefined;
  if (msg.params !== undefined && (!isObject(msg.params) || '_meta' in msg.params)) return undefined;
  return msg as unknown as Request;
}

const every = (o: Obj, check: (v: unknown) => boolean) => Object.values(o).every(check);

/** ClientCapabilities in the shapes clients send; tasks.requests and anything odd go to the SDK. */
const CAPABILITY: Readonly<Record<string, (v: unknown) => boolean>> = {
  experimental: (v) => isObject(v) && every(v, isAnyObject),
  extensions: (v) => isObject(v) && every(v, isAnyObject),
  sampling: (v) => isObject(v) && optional(v.context, isAnyObject) && optional(v.tools, isAnyObject),
  elicitation: (v) =>
    isObject(v) &&
    optional(v.form, (f) => isObject(f) && optional(f.applyDefaults, (b) => typeof b === 'boolean')) &&
    optional(v.url, isAnyObject),
  roots: (v) => isObject(v) && optional(v.listChanged, (b) => typeof b === 'boolean'),
  tasks: (v) =>
    isObject(v) &&
    optional(v.list, isAnyObject) &&
    optional(v.cancel, isAnyObject) &&
    v.requests === undefined,
};

export function certainInitialize(msg: unknown): Request | undefined {
  const req = asRequest(msg, 'initialize');
  const p = req?.params;
  if (!p || !isString(p.protocolVersion)) return undefined;
  const info = p.clientInfo;
  if (
    !isObject(info) ||
    !isString(info.name) ||
    !isString(info.version) ||
    !optional(info.title, isString) ||
    !optional(info.websiteUrl, isString) ||
    !optional(info.description, isString) ||
    info.icons !== undefined
  ) {
    return undefined;
  }
  const caps = p.capabilities;
  if (!isObject(caps)) return undefined;
  for (const [name, value] of Object.entries(caps)) {
    const check = CAPABILITY[name];
    // Unknown capabilities are stripped by the SDK's schema, so any value passes there.
    if (check && value !== undefined && !check(value)) return undefined;
  }
  return req;
}

export function certainToolsList(msg: unknown): Request | undefined {
  const req = asRequest(msg, 'tools/list');
  if (!req || !optional(req.params?.cursor, isString)) return undefined;
  return req;
}

/**
 * Requests whose answer depends on nothing a session has (no arguments, no mode, no selection):
 * dist/catalogue.json keeps buildServer's answer to each (catalogue-build.ts) and the front
 * replays it. Clients send these right after `initialize`; answering them keeps the real server
 * unloaded until a tool is called.
 */
export const FIXED = ['ping', 'resources/list', 'resources/templates/list', 'prompts/list'] as const;
export type FixedMethod = (typeof FIXED)[number];

/** One of the FIXED requests in its plainest shape: params absent or `{}` (no cursor, no `_meta`). */
export function certainFixed(msg: unknown): (Request & { readonly method: FixedMethod }) | undefined {
  const method = isObject(msg) ? msg.method : undefined;
  if (!FIXED.includes(method as FixedMethod)) return undefined;
  const req = asRequest(msg, method as FixedMethod);
  if (!req || (req.params !== undefined && Object.keys(req.params).length > 0)) return undefined;
  return req as Request & { readonly method: FixedMethod };
}

export function isInitializedNotification(msg: unknown): boolean {
  return (
    isObject(msg) &&
    msg.jsonrpc === '2.0' &&
    msg.method === 'notifications/initialized' &&
    !('id' in msg) &&
    Object.keys(msg).every((k) => ['jsonrpc', 'method', 'params'].includes(k))
  );
}

/** One JSON-RPC result line, serialised as the SDK's stdio transport does it. */
export function resultLine(id: RequestId, result: unknown): string {
  return `${JSON.stringify({ result, jsonrpc: '2.0', id })}\n`;
}
