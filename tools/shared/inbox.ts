import { z } from 'zod';
import { defineTool } from '../../src/catalogue/types.js';
import { page } from '../fields.js';

const CHANNELS = ['email', 'sms', 'linkedin'] as const;
const replyId = () => z.string().min(1).describe('Thread id (from g8_list_inbox)');
const channel = () => z.enum(CHANNELS).default('email').describe('Channel of the thread');

export const listInbox = defineTool({
  name: 'g8_list_inbox',
  title: 'List inbox',
  description:
    'Reply threads across email, SMS and LinkedIn, each with a one-line preview. Open one with g8_get_reply.',
  toolset: 'inbox',
  scope: 'inbox:read',
  tier: 'read',
  input: z.object({
    channel: z.enum(CHANNELS).optional().describe('Only this channel; omit for all'),
    sequence_id: z.string().min(1).optional().describe('Only replies to this sequence'),
    status: z.enum(['open', 'responded', 'ai_responded']).optional().describe('Thread state'),
    assignee: z.string().optional().describe('Assignee email'),
    tag: z.string().optional().describe('Tag id'),
    page: page(),
    page_size: z.number().int().min(1).max(100).default(25).describe('Page size'),
  }),
  http: { method: 'GET', path: '/inbox' },
});

export const getReply = defineTool({
  name: 'g8_get_reply',
  title: 'Get reply thread',
  description:
    'One inbox thread with its messages (long bodies trimmed). Answer with g8_get_reply_draft or g8_send_reply.',
  toolset: 'inbox',
  scope: 'inbox:read',
  tier: 'read',
  input: z.object({
    reply_id: replyId(),
    channel: channel(),
    full_messages: z.boolean().default(false).describe('Return untrimmed message bodies'),
  }),
  http: { method: 'GET', path: '/inbox/{reply_id}' },
});

export const assignReply = defineTool({
  name: 'g8_assign_reply',
  title: 'Assign reply',
  description: 'Assign an inbox thread to a teammate by email; the assignee is notified.',
  toolset: 'inbox',
  scope: 'inbox:run',
  tier: 'external',
  effect: 'Assigns the thread to the teammate, who is notified.',
  input: z.object({
    reply_id: replyId(),
    assignee_email: z.string().min(1).describe('Email of an org member'),
    channel: channel(),
  }),
  http: { method: 'POST', path: '/inbox/{reply_id}/assign', query: ['channel'] },
});

export const tagReply = defineTool({
  name: 'g8_tag_reply',
  title: 'Tag reply',
  description: 'Add existing tags to an inbox thread (does not create tags).',
  toolset: 'inbox',
  scope: 'inbox:run',
  tier: 'external',
  effect: 'Adds the tags to the thread, as the whole team sees it.',
  input: z.object({
    reply_id: replyId(),
    tag_ids: z.array(z.string().min(1)).min(1).describe('Ids of existing tags (as on threads)'),
    channel: channel(),
  }),
  http: { method: 'POST', path: '/inbox/{reply_id}/tag', query: ['channel'] },
});

export const getReplyDraft = defineTool({
  name: 'g8_get_reply_draft',
  title: 'Draft reply',
  description:
    'AI-drafted answer to a thread (HTML and text); ~1 credit, never sends. Send it with g8_send_reply.',
  toolset: 'inbox',
  scope: 'inbox:read',
  tier: 'billable',
  effect: 'Generates an AI draft for about 1 credit; sends nothing.',
  keywords: ['ai', 'write', 'suggest', 'respond', 'answer'],
  input: z.object({ reply_id: replyId(), channel: channel() }),
  http: { method: 'GET', path: '/inbox/{reply_id}/draft' },
});

export const sendReply = defineTool({
  name: 'g8_send_reply',
  title: 'Send reply',
  description:
    'Send a real email, SMS or LinkedIn message in a thread. from_address: email, a connected mailbox (g8_list_mailboxes); SMS, the E.164 sending number; LinkedIn, the numeric account id. Email and SMS need `to`. Never retried: check the thread before resending.',
  toolset: 'inbox',
  scope: 'inbox:run',
  tier: 'external',
  effect: 'Sends a real message to the contact; it cannot be unsent.',
  keywords: ['respond', 'answer', 'message', 'email', 'sms', 'linkedin'],
  input: z.object({
    reply_id: replyId(),
    body: z.string().min(1).describe('HTML for email, else plain text'),
    channel: z.enum(CHANNELS).describe('Channel to send on'),
    subject: z.string().optional().describe('Email subject'),
    to: z.string().optional().describe('Recipient email or E.164 phone'),
    from_address: z.string().min(1).describe('Sender: mailbox email, number or LinkedIn id'),
  }),
  http: { method: 'POST', path: '/inbox/{reply_id}/send' },
});

export const inboxTools = [listInbox, getReply, assignReply, tagReply, getReplyDraft, sendReply];
