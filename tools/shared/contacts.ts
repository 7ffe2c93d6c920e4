import { z } from 'zod';
import { defineTool } from '../../src/catalogue/types.js';
import { limit, page } from '../fields.js';

export const searchContacts = defineTool({
  name: 'g8_search_contacts',
  title: 'Search contacts',
  description:
    'Search contacts in your graph8 CRM (free); filters AND together. g8_get_contact gives a full profile.',
  toolset: 'contacts',
  scope: 'contacts:read',
  tier: 'read',
  input: z.object({
    email: z.string().optional().describe('Exact email address'),
    name: z.string().optional().describe('First or last name, partial'),
    list_id: z.coerce.number().int().optional().describe('List id'),
    job_title: z.string().optional().describe('Job title, partial match'),
    seniority_level: z.string().optional().describe('Exact, e.g. C-Suite, VP, Director'),
    company_name: z.string().optional().describe('Company name, partial match'),
    country: z.string().optional().describe('Exact country name'),
    page: page(),
    limit: limit(25, 200),
  }),
  http: { method: 'GET', path: '/contacts' },
});

export const getContact = defineTool({
  name: 'g8_get_contact',
  title: 'Get contact',
  description:
    'Full profile of one contact, with its company; include_suppression adds do-not-contact status.',
  toolset: 'contacts',
  scope: 'contacts:read',
  tier: 'read',
  input: z.object({
    contact_id: z.number().int().describe('Contact id'),
    include_custom_fields: z.boolean().default(false).describe('Add custom_fields'),
    include_suppression: z.boolean().default(false).describe('Add do-not-contact status'),
  }),
  async run(input, { api }) {
    const contact = await api.call({
      method: 'GET',
      path: '/contacts/{contact_id}',
      params: { contact_id: input.contact_id },
      query: { include_custom_fields: input.include_custom_fields },
    });
    if (!input.include_suppression) return contact;
    // A profile without the block the caller asked for would read as "not suppressed": fail whole.
    const suppression = await api.call({
      method: 'GET',
      path: '/contacts/{contact_id}/suppression',
      params: { contact_id: input.contact_id },
    });
    return { ...contact, data: { ...(contact.data as object), suppression: suppression.data } };
  },
});

export const contactTools = [searchContacts, getContact];
