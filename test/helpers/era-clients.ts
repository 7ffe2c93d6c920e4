/**
 * The SDK clients our users run, one adapter each, so one test script drives every pairing:
 * - 2025-06-18: the v1 SDK `Client` (its initialize names 2025-06-18, as Claude Desktop, Cursor and
 *   Windsurf builds of that era do);
 * - 2026-07-28: the v2 SDK `Client`, pinned to 2026-07-28 (no initialize; server/discover and a
 *   per-request envelope).
 * Over stdio (the built bin) or remote mode's URL with an API-key header.
 */
import {
  Client as ModernClient,
  StreamableHTTPClientTransport as ModernHttp,
} from '@modelcontextprotocol/client';
import { StdioClientTransport as ModernStdio } from '@modelcontextprotocol/client/stdio';
import { Client as LegacyClient } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport as LegacyStdio } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport as LegacyHttp } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { ElicitRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { MAIN } from './stdio.js';

export type Era = '2025-06-18' | '2026-07-28';
export type Face =
  | { readonly kind: 'stdio'; readonly env: Record<string, string> }
  | { readonly kind: 'http'; readonly url: string; readonly apiKey: string };

export interface CallResult {
  isError?: boolean;
  structuredContent?: Record<string, unknown>;
  content?: unknown;
}

export interface EraClient {
  readonly era: Era;
  /** What the server answered about its version at connect (initialize or server/discover). */
  readonly protocolVersion: string | undefined;
  listTools(): Promise<{ name: string }[]>;
  callTool(
    name: string,
    args: Record<string, unknown>,
    onprogress?: (p: { progress: number; total?: number; message?: string }) => void,
  ): Promise<CallResult>;
  close(): Promise<void>;
}

export interface ClientOptions {
  /** How the user answers a confirmation; absent: the client declares no elicitation. */
  readonly elicit?: 'accept' | 'decline';
  /** Called with each question the user is asked. */
  readonly asked?: (message: string) => void;
}

const answer = (o: ClientOptions) =>
  o.elicit === 'accept'
    ? { action: 'accept' as const, content: { confirm: true } }
    : { action: 'decline' as const };

const stdioParams = (env: Record<string, string>) => ({
  command: process.execPath,
  args: [MAIN],
  env: { PATH: process.env.PATH ?? '', G8_LOG_LEVEL: 'silent', ...env },
});

/** Makes the v1 client's initialize name 2025-06-18 (it always asks for its newest, 2025-11-25). */
function askingFor(version: string, transport: Transport): Transport {
  const send = transport.send.bind(transport);
  transport.send = (message, options) => {
    const m = message as { method?: string; params?: { protocolVersion?: string } };
    if (m.method === 'initialize' && m.params) m.params.protocolVersion = version;
    return send(message, options);
  };
  return transport;
}

async function legacy(face: Face, o: ClientOptions): Promise<EraClient> {
  const client = new LegacyClient(
    { name: 'era-test-2025', version: '1.0.0' },
    { capabilities: o.elicit ? { elicitation: {} } : {} },
  );
  if (o.elicit) {
    client.setRequestHandler(ElicitRequestSchema, async (request) => {
      o.asked?.(request.params.message);
      return answer(o);
    });
  }
  const transport =
    face.kind === 'stdio'
      ? new LegacyStdio(stdioParams(face.env))
      : new LegacyHttp(new URL(face.url), { requestInit: { headers: { 'X-API-Key': face.apiKey } } });
  // v1 keeps the negotiated version to itself: read it off the initialize answer.
  let negotiated: string | undefined;
  const wrapped = askingFor('2025-06-18', transport);
  await client.connect({
    get onmessage() {
      return wrapped.onmessage;
    },
    set onmessage(handler) {
      wrapped.onmessage = (message, extra) => {
        const version = (message as { result?: { protocolVersion?: string } }).result?.protocolVersion;
        if (negotiated === undefined && typeof version === 'string') negotiated = version;
        handler?.(message, extra);
      };
    },
    get onclose() {
      return wrapped.onclose;
    },
    set onclose(handler) {
      wrapped.onclose = handler;
    },
    get onerror() {
      return wrapped.onerror;
    },
    set onerror(handler) {
      wrapped.onerror = handler;
    },
    get sessionId() {
      return wrapped.sessionId;
    },
    start: () => wrapped.start(),
    send: (message, options) => wrapped.send(message, options),
    close: () => wrapped.close(),
    setProtocolVersion: (version: string) => wrapped.setProtocolVersion?.(version),
  } as Transport);
  return {
    era: '2025-06-18',
    protocolVersion: negotiated,
    listTools: async () => (await client.listTools()).tools,
    callTool: async (name, args, onprogress) =>
      (await client.callTool({ name, arguments: args }, undefined, {
        ...(onprogress ? { onprogress } : {}),
        timeout: 30_000,
      })) as CallResult,
    close: () => client.close(),
  };
}

async function modern(face: Face, o: ClientOptions): Promise<EraClient> {
  const client = new ModernClient(
    { name: 'era-test-2026', version: '1.0.0' },
    {
      capabilities: o.elicit ? { elicitation: { form: {} } } : {},
      versionNegotiation: { mode: { pin: '2026-07-28' } },
    },
  );
  if (o.elicit) {
    client.setRequestHandler('elicitation/create', async (request) => {
      o.asked?.(String(request.params.message));
      return answer(o);
    });
  }
  const transport =
    face.kind === 'stdio'
      ? new ModernStdio(stdioParams(face.env))
      : new ModernHttp(new URL(face.url), { requestInit: { headers: { 'X-API-Key': face.apiKey } } });
  await client.connect(transport);
  return {
    era: '2026-07-28',
    protocolVersion: client.getNegotiatedProtocolVersion(),
    listTools: async () => (await client.listTools()).tools,
    callTool: async (name, args, onprogress) =>
      (await client.callTool(
        { name, arguments: args },
        { ...(onprogress ? { onprogress } : {}), timeout: 30_000 },
      )) as CallResult,
    close: () => client.close(),
  };
}

export function connectClient(era: Era, face: Face, o: ClientOptions = {}): Promise<EraClient> {
  return era === '2025-06-18' ? legacy(face, o) : modern(face, o);
}
