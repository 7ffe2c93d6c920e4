/**
 * Both protocol eras, end to end: a 2025-06-18 client (SDK v1) and a 2026-07-28 client (SDK v2,
 * pinned) each run the same script against stdio (the built bin) and remote mode (API-key header):
 * list tools; call a tool; a gated call with elicitation, accepted and declined; the fallback for
 * clients without elicitation (a preview, then the confirmed call); progress on
 * g8_enrich_contacts. Every graph8 request goes through a recording proxy, so "nothing sent" and
 * "sent once" are read off the wire.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectClient, type Era, type Face } from '../helpers/era-clients.js';
import { type Stack, startStack } from '../helpers/http-stack.js';
import { emailReply, enrichArgs } from '../helpers/sandbox-picks.js';

let stack: Stack;

beforeAll(async () => {
  stack = await startStack({ env: { G8_DISCOVERY: 'off' } });
}, 30_000);

afterAll(async () => {
  await stack?.close();
});

const sends = () => stack.proxy.requests.filter((r) => r.method === 'POST' && r.url.endsWith('/send'));
const reply = (tag: string) => emailReply(stack.sandbox.db, `Thanks (${tag})`);
const enrich = () => ({ ...enrichArgs(stack.sandbox.db), confirm: true });

const FACES: Record<'stdio' | 'http', () => Face> = {
  stdio: () => ({
    kind: 'stdio',
    env: {
      G8_API_KEY: stack.sandbox.demoKey,
      G8_API_URL: stack.proxy.url,
      G8_DISCOVERY: 'off',
      G8_PACE: 'off',
    },
  }),
  http: () => ({ kind: 'http', url: stack.remote.url, apiKey: stack.sandbox.demoKey }),
};

const ERAS: Era[] = ['2025-06-18', '2026-07-28'];

describe.each(ERAS.flatMap((era) => (['stdio', 'http'] as const).map((face) => ({ era, face }))))(
  '$era client over $face',
  ({ era, face }) => {
    it('connects on its era, lists the tools and calls one', async () => {
      const client = await connectClient(era, FACES[face]());
      try {
        expect(client.protocolVersion).toBe(era);
        const names = (await client.listTools()).map((t) => t.name);
        expect(names).toEqual(expect.arrayContaining(['g8_search_contacts', 'g8_send_reply', 'g8_whoami']));
        const r = await client.callTool('g8_search_contacts', { limit: 2 });
        expect(r.isError, JSON.stringify(r.content)).toBeFalsy();
        expect(r.structuredContent?.items).toHaveLength(2);
      } finally {
        await client.close();
      }
    });

    it('a gated call asks the user; accepted, it is sent exactly once', async () => {
      const asked: string[] = [];
      const client = await connectClient(era, FACES[face](), {
        elicit: 'accept',
        asked: (m) => asked.push(m),
      });
      try {
        const before = sends().length;
        const r = await client.callTool('g8_send_reply', reply(`${era} ${face} accept`));
        expect(r.isError, JSON.stringify(r.content)).toBeFalsy();
        expect(asked).toHaveLength(1);
        expect(asked[0]).toMatch(/g8_send_reply.*Proceed\?/);
        expect(sends().length - before).toBe(1);
        // The confirmation's id is the upstream Idempotency-Key: a re-sent answer is the same request.
        expect(sends().at(-1)?.headers['idempotency-key']).toMatch(/^[0-9a-f-]{36}$/);
      } finally {
        await client.close();
      }
    });

    it('a gated call declined by the user sends nothing', async () => {
      const client = await connectClient(era, FACES[face](), { elicit: 'decline' });
      try {
        const before = sends().length;
        const r = await client.callTool('g8_send_reply', reply(`${era} ${face} decline`));
        expect(r.isError).toBeFalsy();
        expect(r.structuredContent).toMatchObject({ cancelled: true });
        expect(sends().length).toBe(before);
      } finally {
        await client.close();
      }
    });

    it('without elicitation: a preview and nothing sent, then the confirmed call is sent', async () => {
      const client = await connectClient(era, FACES[face]());
      try {
        const before = sends().length;
        const preview = await client.callTool('g8_send_reply', reply(`${era} ${face} fallback`));
        expect(preview.structuredContent).toMatchObject({
          confirmation_required: true,
          tool: 'g8_send_reply',
        });
        expect(sends().length).toBe(before);
        // confirm: true alone is another preview; with the preview's token, the call acts.
        const bare = await client.callTool('g8_send_reply', {
          ...reply(`${era} ${face} fallback`),
          confirm: true,
        });
        expect(bare.structuredContent).toMatchObject({ confirmation_required: true });
        expect(sends().length).toBe(before);
        const done = await client.callTool('g8_send_reply', {
          ...reply(`${era} ${face} fallback`),
          confirm: true,
          confirmation_token: preview.structuredContent?.confirmation_token,
        });
        expect(done.isError, JSON.stringify(done.content)).toBeFalsy();
        expect(sends().length - before).toBe(1);
      } finally {
        await client.close();
      }
    });

    it('progress on g8_enrich_contacts reaches the client, then the result', async () => {
      const client = await connectClient(era, FACES[face](), { elicit: 'accept' });
      try {
        const updates: { progress: number; message?: string }[] = [];
        const r = await client.callTool('g8_enrich_contacts', enrich(), (p) => updates.push(p));
        expect(r.isError, JSON.stringify(r.content)).toBeFalsy();
        expect(r.structuredContent).toMatchObject({ status: 'completed' });
        // The job's own stages (the v2 client may add notes of its own about input rounds).
        const job = updates.filter((u) => /enrichment job/.test(u.message ?? ''));
        expect(job.length, JSON.stringify(updates)).toBeGreaterThanOrEqual(1);
        const progress = job.map((u) => u.progress);
        expect([...progress].sort((a, b) => a - b)).toEqual(progress);
      } finally {
        await client.close();
      }
    }, 30_000);
  },
);
