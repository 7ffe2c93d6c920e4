import { z } from 'zod';
import { defineTool } from '../../src/catalogue/types.js';

export const listMailboxes = defineTool({
  name: 'g8_list_mailboxes',
  title: 'List mailboxes',
  description:
    "The org's sending mailboxes. A connected, non-archived one gives g8_send_reply's from_address (email), a sequence channel_id or launch sender_mailbox_ids (id).",
  toolset: 'inbox',
  scope: 'campaigns:read',
  tier: 'read',
  keywords: ['sender', 'from', 'address', 'email', 'account', 'inbox', 'warmup'],
  input: z.object({
    limit: z.number().int().min(1).max(500).default(100).describe('How many'),
  }),
  http: { method: 'GET', path: '/mailboxes' },
});

export const mailboxTools = [listMailboxes];
