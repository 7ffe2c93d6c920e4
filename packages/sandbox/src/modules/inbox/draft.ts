/**
 * The sandbox's stand-in for the AI reply writer: picks an intent from the contact's latest
 * message with a few keyword rules and fills a matching reply. Deterministic, so tests can assert it.
 */
import { paragraphsToHtml, stripHtml } from '../../util/text.js';
import type { MessageRow, ThreadRow } from './schema.js';

interface Intent {
  test: RegExp;
  reply: (first: string) => string;
}

const INTENTS: readonly Intent[] = [
  {
    test: /unsubscribe|remove me|stop\b|not interested/i,
    reply: (first) =>
      `Understood, ${first}, I have taken you off our outreach. If priorities change, just reply to this email.`,
  },
  {
    test: /out of (the )?office|on leave|vacation|back on/i,
    reply: (first) => `Thanks for the heads-up, ${first}. I will follow up once you are back.`,
  },
  {
    test: /pric|cost|budget|quote/i,
    reply: (first) =>
      `Great question, ${first}. Pricing is per seat with an annual plan; most teams your size land between $18k and $30k a year. I can walk you through the options on a 20-minute call: does Tuesday or Wednesday afternoon work?`,
  },
  {
    test: /meet|call|calendar|time|slot|tomorrow|next week/i,
    reply: (first) =>
      `Perfect, ${first}. Here is my calendar so you can pick the slot that suits you best: https://example.com/meet. I will send a short agenda beforehand.`,
  },
  {
    test: /colleague|talk to|reach out to|right person/i,
    reply: (first) =>
      `Thank you for pointing me in the right direction, ${first}. I will reach out to them and mention you suggested it.`,
  },
  {
    test: /clari|gong|salesforce|competitor|already use|different/i,
    reply: (first) =>
      `Fair question, ${first}. Teams usually keep their call recorder and CRM; we sit on top and turn that data into a deal-by-deal forecast with risk flags. Happy to show the difference side by side.`,
  },
];

export function draftReply(thread: ThreadRow, messages: readonly MessageRow[], author: string) {
  const inbound = [...messages].reverse().find((m) => m.responder === 'OTHER');
  const text = inbound ? stripHtml(inbound.content) : '';
  const first = (thread.contact_name ?? '').split(' ')[0] || 'there';
  const intent = INTENTS.find((i) => i.test.test(text));
  const body = intent
    ? intent.reply(first)
    : `Thanks for getting back to me, ${first}. Happy to share more: what would be most useful to see?`;
  const plain = thread.store === 'email' ? `Hi ${first},\n\n${body}\n\nBest,\n${author}` : body;
  return { content: thread.store === 'email' ? paragraphsToHtml(plain) : plain, plain_content: plain };
}
