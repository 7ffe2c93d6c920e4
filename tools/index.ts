import type { Catalogue } from '../src/catalogue/select.js';
import type { ToolSpec } from '../src/catalogue/types.js';
import { devCampaignTools } from './dev/campaigns.js';
import { devKnowledgeTools } from './dev/knowledge.js';
import { repoTools } from './dev/repos.js';
import { gtmCampaignTools } from './gtm/campaigns.js';
import { gtmKnowledgeTools } from './gtm/knowledge.js';
import { audienceTools } from './shared/audience.js';
import { companyTools } from './shared/companies.js';
import { contactTools } from './shared/contacts.js';
import { crmTools } from './shared/crm.js';
import { enrichmentTools } from './shared/enrichment.js';
import { inboxTools } from './shared/inbox.js';
import { mailboxTools } from './shared/mailboxes.js';
import { sequenceTools } from './shared/sequences.js';

export { contactTools };

/** Every mode's tools (contract §2.1–2.5, and GET /mailboxes of §2.8), in the order of the contract tables. */
export const sharedTools: readonly ToolSpec[] = [
  ...contactTools,
  ...companyTools,
  ...enrichmentTools,
  ...sequenceTools,
  ...inboxTools,
  ...mailboxTools,
  ...audienceTools,
  ...crmTools,
];

/** Developer mode (contract §2.6). */
export const devTools: readonly ToolSpec[] = [...repoTools, ...devCampaignTools, ...devKnowledgeTools];

/** GTM mode (contract §2.7). */
export const gtmTools: readonly ToolSpec[] = [...gtmCampaignTools, ...gtmKnowledgeTools];

/**
 * In `all` mode the GTM tools whose names collide with dev tools are registered under these names.
 * GTM field descriptions never name a colliding tool, so rewriting tool descriptions is enough.
 */
export const GTM_ALIASES: Readonly<Record<string, string>> = {
  g8_list_campaigns: 'g8_gtm_list_campaigns',
  g8_get_campaign: 'g8_gtm_get_campaign',
  g8_search_kb: 'g8_gtm_search_kb',
  g8_list_kb_documents: 'g8_gtm_list_kb_documents',
};

/**
 * The tools listed from the start when progressive discovery is on (names as in `all` mode; at
 * most 20): the everyday reads and the actions people ask for most. g8_tool_search finds the rest.
 */
export const CORE_TOOLS: readonly string[] = [
  'g8_search_contacts',
  'g8_get_contact',
  'g8_search_companies',
  'g8_get_company',
  'g8_lookup_person',
  'g8_enrich_contacts',
  'g8_create_sequence',
  'g8_get_sequence_preview',
  'g8_get_sequence_analytics',
  'g8_list_inbox',
  'g8_get_reply',
  'g8_send_reply',
  // g8_send_reply's from_address comes from here.
  'g8_list_mailboxes',
  'g8_list_audience_syncs',
  'g8_list_crm_syncs',
  'g8_status',
  'g8_doctor',
  'g8_gtm_list_campaigns',
  'g8_gtm_get_campaign',
  'g8_gtm_search_kb',
];

/** The shipped catalogue, in the shape selection works on. */
export const catalogue: Catalogue = {
  shared: sharedTools,
  dev: devTools,
  gtm: gtmTools,
  gtmAliases: GTM_ALIASES,
  core: CORE_TOOLS,
};
