/**
 * The preview-and-token round a client without elicitation makes before a gated tool acts: call
 * once for the preview, then again with `confirm: true` and its `confirmation_token`.
 */
import { type CallResult, connectClient } from './era-clients.js';

/** g8_send_reply arguments for a recording backend (which accepts anything). */
export const SEND_REPLY = {
  reply_id: 'thr_1',
  body: 'Thanks!',
  channel: 'email',
  to: 'ada@acme.test',
  from_address: 'sam@acme.test',
};

interface Caller {
  callTool(name: string, args: Record<string, unknown>): Promise<CallResult>;
}

/** The arguments that make `name` act: these plus `confirm: true` and a fresh preview's token. */
export async function confirmedArgs(
  client: Caller,
  name: string,
  args: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  const preview = await client.callTool(name, args);
  const token = preview.structuredContent?.confirmation_token;
  if (typeof token !== 'string') throw new Error(`${name} gave no preview: ${JSON.stringify(preview)}`);
  return { ...args, confirm: true, confirmation_token: token };
}

/** The same, asking for the preview over remote mode's URL (the token is bound to the key, not the session). */
export async function confirmedArgsOver(
  url: string,
  apiKey: string,
  name: string,
  args: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  const client = await connectClient('2026-07-28', { kind: 'http', url, apiKey });
  try {
    return await confirmedArgs(client, name, args);
  } finally {
    await client.close();
  }
}
