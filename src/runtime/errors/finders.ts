/**
 * Where a model finds an id, or reads a record again: the tools a hint names. Candidates are in
 * order of preference and only a tool this connection exposes is named, so a hint never points at
 * a tool the model cannot call.
 */
import { pathParams } from '../../api/path.js';
import type { ToolSpec } from '../../catalogue/types.js';

export type Exposed = (name: string) => boolean;

/** id argument → the search/list tools that return it. */
const FINDERS: Readonly<Record<string, readonly string[]>> = {
  contact_id: ['g8_search_contacts'],
  company_id: ['g8_search_companies'],
  reply_id: ['g8_list_inbox'],
  config_id: ['g8_list_audience_syncs'],
  step_id: ['g8_get_sequence_preview'],
  campaign_id: ['g8_gtm_list_campaigns', 'g8_list_campaigns'],
  document_id: ['g8_gtm_get_campaign', 'g8_get_campaign'],
  pinned_mailbox_id: ['g8_list_mailboxes'],
  mailbox_id: ['g8_list_mailboxes'],
};

/** id argument → the tool that reads that record. */
const READERS: Readonly<Record<string, readonly string[]>> = {
  contact_id: ['g8_get_contact'],
  company_id: ['g8_get_company'],
  reply_id: ['g8_get_reply'],
  sequence_id: ['g8_get_sequence_preview'],
  config_id: ['g8_get_audience_sync'],
  campaign_id: ['g8_gtm_get_campaign', 'g8_get_campaign'],
  repo_id: ['g8_status'],
  provider: ['g8_get_crm_status'],
};

/** A toolset's list tool, for tools that name no record (creates, pushes of many). */
const LISTERS: Readonly<Record<string, readonly string[]>> = {
  inbox: ['g8_list_inbox'],
  audience: ['g8_list_audience_syncs'],
  crm: ['g8_list_crm_syncs'],
  campaigns: ['g8_gtm_list_campaigns', 'g8_list_campaigns'],
  contacts: ['g8_search_contacts'],
  companies: ['g8_search_companies'],
};

const ID = /(^|_)id$/;

function first(candidates: readonly string[] | undefined, exposed: Exposed): string | undefined {
  return candidates?.find(exposed);
}

/** The id arguments of a tool, most specific last (the path order, or the input order). */
type Spec = Partial<Pick<ToolSpec, 'http' | 'input' | 'toolset'>>;

const argNames = (spec: Spec) => Object.keys((spec.input?.shape ?? {}) as Record<string, unknown>);

export function idFields(spec: Spec): string[] {
  if (spec.http) return pathParams(spec.http.path);
  return argNames(spec).filter((k) => ID.test(k));
}

/** "find it with `g8_search_contacts`", or undefined when no exposed tool lists that id. */
export function findPhrase(field: string, spec: Spec, exposed: Exposed): string | undefined {
  if (field === 'repo_id') return 'the `g8://repos` resource lists the connected repos and their ids.';
  // A dev tool's campaign ids live under a repo; the GTM list would give other ids.
  const candidates =
    field === 'campaign_id' && argNames(spec).includes('repo_id') ? ['g8_list_campaigns'] : FINDERS[field];
  const tool = first(candidates, exposed);
  return tool ? `find the right ${field} with \`${tool}\`.` : undefined;
}

/** "`g8_get_reply`": the tool that shows the record a call was about, or its toolset's list. */
export function readPhrase(spec: Spec, exposed: Exposed): string | undefined {
  for (const field of idFields(spec).reverse()) {
    const tool = first(READERS[field], exposed);
    if (tool) return `\`${tool}\``;
  }
  const list = spec.toolset ? first(LISTERS[spec.toolset], exposed) : undefined;
  return list ? `\`${list}\`` : undefined;
}
