/**
 * Rotating G8_MCP_SECRET on a real remote server (README "Rotating G8_MCP_SECRET"): a user signed
 * in under the old secret keeps working once the new one is set with the old one in
 * G8_MCP_SECRET_PREVIOUS, and that use seals the grant anew; a sign-in after the rotation is sealed
 * with the new one only; and once the old secret is dropped, a sign-in nobody used meanwhile gets a
 * clear "reconnect" answer, the server stays up, and no secret appears in an answer or a log line.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tokensViaApiKey } from '../helpers/http-consent.js';
import { type Stack, startStack } from '../helpers/http-stack.js';

const OLD = 'old-secret-'.padEnd(44, 'o');
const NEW = 'new-secret-'.padEnd(44, 'n');

let stack: Stack;
let base: string;

beforeAll(async () => {
  stack = await startStack({ env: { G8_MCP_SECRET: OLD } });
  base = stack.remote.publicUrl;
});

afterAll(async () => {
  await stack?.close();
});

/**
 * One tools/call with the bearer token on a server started with `env` (same data directory). A
 * credential that cannot be opened is refused like a revoked one: today a JSON-RPC error whose
 * message says what to do (the error-model work may turn it into a tool result).
 */
async function callOn(env: Record<string, string>, accessToken: string, publicUrl = base) {
  const server = await stack.restart({ G8_PUBLIC_URL: publicUrl, ...env });
  const client = new Client({ name: 'rotation', version: '1' });
  await client.connect(
    new StreamableHTTPClientTransport(new URL(`http://127.0.0.1:${server.port}/mcp`), {
      requestInit: { headers: { authorization: `Bearer ${accessToken}` } },
    }),
  );
  try {
    let answer: { ok: boolean; text: string };
    try {
      const result = await client.callTool({ name: 'g8_search_contacts', arguments: { limit: 1 } });
      answer = { ok: result.isError !== true, text: JSON.stringify(result) };
    } catch (error) {
      answer = { ok: false, text: (error as Error).message };
    }
    // Whatever the answer, the server is still up and ready afterwards.
    const ready = (await fetch(`http://127.0.0.1:${server.port}/readyz`)).status;
    return { ...answer, ready };
  } finally {
    await client.close();
    await server.close();
  }
}

describe('G8_MCP_SECRET rotation', () => {
  it('old sign-ins keep working with the old secret in G8_MCP_SECRET_PREVIOUS, are sealed anew on use, and unused ones are asked to reconnect once it is dropped', async () => {
    const used = await tokensViaApiKey(base, stack.sandbox.demoKey);
    const unused = await tokensViaApiKey(base, stack.sandbox.demoKey);
    expect((await callOn({}, used.access_token)).ok).toBe(true);

    // Rotated: the new secret seals, the old one still opens; the grant used now is sealed anew.
    const rotated = { G8_MCP_SECRET: NEW, G8_MCP_SECRET_PREVIOUS: OLD };
    expect((await callOn(rotated, used.access_token)).ok).toBe(true);
    expect(stack.logs()).toMatch(/sealed the upstream credential again with the newest secret/);

    // A sign-in on the rotated server (its own URL: its tokens name it) is sealed with the new secret alone.
    const server = await stack.restart(rotated);
    const url = server.publicUrl;
    const after = await tokensViaApiKey(url, stack.sandbox.demoKey);
    expect((await callOn({ G8_MCP_SECRET: OLD }, after.access_token, url)).text).toMatch(/Reconnect/);

    // The old secret dropped: the new sign-in and the grant sealed anew work; the grant nobody
    // used meanwhile is told to reconnect, and the server goes on serving.
    const only = { G8_MCP_SECRET: NEW };
    expect((await callOn(only, after.access_token, url)).ok).toBe(true);
    expect((await callOn(only, used.access_token)).ok).toBe(true);
    const dropped = await callOn(only, unused.access_token);
    expect(dropped.ok).toBe(false);
    expect(dropped.text).toMatch(/secret was changed\)\. Reconnect the MCP server to sign in again/);
    expect(dropped.ready).toBe(200);
    await server.close();

    for (const text of [dropped.text, stack.logs()]) {
      for (const secret of [OLD, NEW, stack.sandbox.demoKey, used.access_token, unused.access_token]) {
        expect(text).not.toContain(secret);
      }
    }
    expect(stack.logs()).toMatch(/sealed credential cannot be opened/);
  });

  it('refuses a too-short previous secret at start, naming its position, not its value', async () => {
    const short = 'short-old-secret';
    const error = await stack
      .restart({ G8_PUBLIC_URL: base, G8_MCP_SECRET: NEW, G8_MCP_SECRET_PREVIOUS: `${OLD},${short}` })
      .then(
        () => undefined,
        (e: unknown) => e as Error,
      );
    expect(error?.message).toMatch(/G8_MCP_SECRET_PREVIOUS: secret 2 of 2 is shorter than 32 characters/);
    expect(error?.message).not.toContain(short);
    expect(error?.message).not.toContain(OLD);
  });
});
