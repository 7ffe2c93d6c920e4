/** The campaign shapes of §2.7: summary (lists), detail, full snapshot, and one document. */
import type { Db } from '../../module.js';
import { readJson } from '../../util/json.js';
import { findList } from '../../util/org.js';
import {
  type CampaignRow,
  catalogStep,
  type DocumentRow,
  documentsOf,
  STEP_CATALOG,
  type StepRow,
  stepsOf,
} from './schema.js';

export function summaryView(c: CampaignRow) {
  return {
    id: c.id,
    name: c.name,
    slug: c.slug,
    status: c.status,
    category: c.category,
    goal: c.goal,
    target_persona: c.target_persona,
    created_at: c.created_at,
  };
}

export function detailView(db: Db, c: CampaignRow) {
  return {
    ...summaryView(c),
    brief: c.brief,
    core_concept: c.core_concept,
    primary_hook: c.primary_hook,
    secondary_hooks: readJson<string[]>(c.secondary_hooks, []),
    channels: readJson<string[]>(c.target_channels, []),
    // The GTM tools type list ids as strings; echo the same type back.
    audience_list_id: c.audience_list_id === null ? null : String(c.audience_list_id),
    generation_status: c.generation_status,
    documents: documentsOf(db, c.id).map((d) => ({ id: d.id, name: d.name, type: d.type, status: d.status })),
    updated_at: c.updated_at,
  };
}

export function documentView(d: DocumentRow) {
  return {
    id: d.id,
    campaign_id: d.campaign_id,
    name: d.name,
    type: d.type,
    folder_path: d.folder_path,
    status: d.status,
    version: d.version,
    content: d.content,
    structured_data: readJson<Record<string, unknown>>(d.structured_data, {}),
    created_at: d.created_at,
    updated_at: d.updated_at,
  };
}

/** A step is complete when the document it sends from exists and is completed. */
function stepView(s: StepRow, docs: readonly DocumentRow[]) {
  const entry = catalogStep(s.step_id);
  const doc = docs.find((d) => d.type === entry?.document_type);
  return {
    step_id: s.step_id,
    name: entry?.name ?? s.step_id,
    channel: entry?.channel ?? 'email',
    day: s.day,
    condition: s.condition,
    stop_on_reply: s.stop_on_reply === 1,
    is_complete: doc?.status === 'completed' && doc.content.trim() !== '',
  };
}

export function fullView(db: Db, c: CampaignRow) {
  const docs = documentsOf(db, c.id);
  const list = c.audience_list_id === null ? undefined : findList(db, c.org_id, c.audience_list_id);
  const linked = db
    .prepare(
      `SELECT l.id AS link_id, s.id, s.name, s.status FROM camp_linked_sequences l
       JOIN seq_sequences s ON s.id = l.sequence_id WHERE l.campaign_id = ? ORDER BY l.linked_at, l.id`,
    )
    .all(c.id);
  return {
    ...detailView(db, c),
    audience: list ? { list_id: String(list.id), name: list.name, contact_count: list.member_count } : null,
    documents: docs.map(documentView),
    sequence: {
      steps: stepsOf(db, c.id).map((s) => stepView(s, docs)),
      launched_sequence_id: c.launched_sequence_id,
    },
    step_catalog: STEP_CATALOG,
    linked_sequences: linked,
    is_launched: c.launched_at !== null,
    launched_at: c.launched_at,
  };
}
