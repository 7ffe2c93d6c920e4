/** Campaign tables, the step catalog and the lookups every campaign route shares (§2.7). */
import { type Db, fail } from '../../module.js';

export const migrations: readonly string[] = [
  `CREATE TABLE camp_campaigns (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL,
    name TEXT NOT NULL,
    slug TEXT NOT NULL,
    status TEXT NOT NULL,
    category TEXT NOT NULL,
    goal TEXT,
    target_persona TEXT,
    brief TEXT,
    core_concept TEXT,
    primary_hook TEXT,
    secondary_hooks TEXT NOT NULL DEFAULT '[]',
    target_channels TEXT NOT NULL DEFAULT '["email"]',
    audience_list_id INTEGER,
    campaign_idea_id TEXT,
    generation_status TEXT NOT NULL,
    generation_ready_ms INTEGER,
    is_archived INTEGER NOT NULL DEFAULT 0,
    launched_at TEXT,
    launched_sequence_id TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (org_id, slug)
  )`,
  'CREATE INDEX camp_campaigns_org ON camp_campaigns(org_id, created_at)',
  `CREATE TABLE camp_documents (
    id TEXT PRIMARY KEY,
    campaign_id TEXT NOT NULL REFERENCES camp_campaigns(id),
    name TEXT NOT NULL,
    type TEXT NOT NULL,
    folder_path TEXT,
    status TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    content TEXT NOT NULL DEFAULT '',
    structured_data TEXT NOT NULL DEFAULT '{}',
    position INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
  )`,
  'CREATE INDEX camp_documents_campaign ON camp_documents(campaign_id, position)',
  `CREATE TABLE camp_steps (
    campaign_id TEXT NOT NULL,
    position INTEGER NOT NULL,
    step_id TEXT NOT NULL,
    day INTEGER NOT NULL,
    condition TEXT,
    stop_on_reply INTEGER NOT NULL DEFAULT 1,
    PRIMARY KEY (campaign_id, position)
  )`,
  `CREATE TABLE camp_linked_sequences (
    id TEXT PRIMARY KEY,
    campaign_id TEXT NOT NULL,
    sequence_id TEXT NOT NULL,
    linked_at TEXT NOT NULL,
    UNIQUE (campaign_id, sequence_id)
  )`,
  `CREATE TABLE camp_repo_links (
    repo_id TEXT NOT NULL,
    campaign_id TEXT NOT NULL,
    PRIMARY KEY (repo_id, campaign_id)
  )`,
];

export interface CampaignRow {
  id: string;
  org_id: string;
  name: string;
  slug: string;
  status: string;
  category: string;
  goal: string | null;
  target_persona: string | null;
  brief: string | null;
  core_concept: string | null;
  primary_hook: string | null;
  secondary_hooks: string;
  target_channels: string;
  audience_list_id: number | null;
  campaign_idea_id: string | null;
  generation_status: string;
  generation_ready_ms: number | null;
  is_archived: number;
  launched_at: string | null;
  launched_sequence_id: string | null;
  created_at: string;
  updated_at: string;
}

export interface DocumentRow {
  id: string;
  campaign_id: string;
  name: string;
  type: string;
  folder_path: string | null;
  status: string;
  version: number;
  content: string;
  structured_data: string;
  position: number;
  created_at: string;
  updated_at: string;
}

export interface StepRow {
  campaign_id: string;
  position: number;
  step_id: string;
  day: number;
  condition: string | null;
  stop_on_reply: number;
}

export const CHANNELS = ['email', 'linkedin', 'phone', 'sms'] as const;

export interface CatalogStep {
  step_id: string;
  name: string;
  channel: (typeof CHANNELS)[number];
  /** The document type whose copy the step sends. */
  document_type: string;
  description: string;
}

/** The steps a campaign sequence may use; sequence_steps outside it are the contract's 400. */
export const STEP_CATALOG: readonly CatalogStep[] = [
  {
    step_id: 'email_intro',
    name: 'Intro email',
    channel: 'email',
    document_type: 'email_copy',
    description: 'First touch: problem, proof, ask.',
  },
  {
    step_id: 'email_follow_up',
    name: 'Follow-up email',
    channel: 'email',
    document_type: 'email_copy',
    description: 'Short bump in the same thread.',
  },
  {
    step_id: 'email_case_study',
    name: 'Case-study email',
    channel: 'email',
    document_type: 'email_copy',
    description: 'One customer story with a number.',
  },
  {
    step_id: 'email_breakup',
    name: 'Break-up email',
    channel: 'email',
    document_type: 'email_copy',
    description: 'Polite last touch.',
  },
  {
    step_id: 'linkedin_connect',
    name: 'LinkedIn connection request',
    channel: 'linkedin',
    document_type: 'linkedin_copy',
    description: 'Connection note under 300 characters.',
  },
  {
    step_id: 'linkedin_message',
    name: 'LinkedIn message',
    channel: 'linkedin',
    document_type: 'linkedin_copy',
    description: 'Message after the connection is accepted.',
  },
  {
    step_id: 'phone_call',
    name: 'Phone call',
    channel: 'phone',
    document_type: 'call_script',
    description: 'Call with the talk track from the call script.',
  },
  {
    step_id: 'sms_nudge',
    name: 'SMS nudge',
    channel: 'sms',
    document_type: 'sms_copy',
    description: 'One-line text reminder.',
  },
];

export function catalogStep(stepId: string): CatalogStep | undefined {
  return STEP_CATALOG.find((s) => s.step_id === stepId);
}

/** A campaign of the org that is not archived (archived campaigns answer 404 everywhere). */
export function findCampaign(db: Db, orgId: string, id: string): CampaignRow {
  const row = db
    .prepare('SELECT * FROM camp_campaigns WHERE id = ? AND org_id = ? AND is_archived = 0')
    .get(id, orgId) as CampaignRow | undefined;
  if (!row) throw fail.notFound('Campaign not found');
  return row;
}

export function documentsOf(db: Db, campaignId: string): DocumentRow[] {
  return db
    .prepare('SELECT * FROM camp_documents WHERE campaign_id = ? ORDER BY position, created_at')
    .all(campaignId) as DocumentRow[];
}

export function stepsOf(db: Db, campaignId: string): StepRow[] {
  return db
    .prepare('SELECT * FROM camp_steps WHERE campaign_id = ? ORDER BY position')
    .all(campaignId) as StepRow[];
}

/** A slug unique in the org: the name's slug, then -2, -3, … */
export function uniqueSlug(db: Db, orgId: string, base: string): string {
  const taken = db.prepare('SELECT 1 FROM camp_campaigns WHERE org_id = ? AND slug = ?');
  let slug = base;
  for (let n = 2; taken.get(orgId, slug); n++) slug = `${base}-${n}`;
  return slug;
}
