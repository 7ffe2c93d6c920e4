/**
 * Four demo campaigns, one per launch situation: ready to launch (audience, completed copy, email
 * steps), copy still being written, a draft with no audience, and an archived one. Two are linked
 * to the scanned repo for the dev-mode routes; the other org gets one campaign for 404 tests.
 */
import type { Db, SeedContext } from '../../module.js';
import { seedIds, seedUuid } from '../../util/ids.js';
import { orgLists } from '../../util/org.js';
import { Dice } from '../../util/rng.js';
import { slugify } from '../../util/text.js';
import { DAY_MS, iso } from '../../util/time.js';
import { defaultSteps, documentPlan, generatedDocument } from './generate.js';

interface Plan {
  name: string;
  status: 'active' | 'copy_in_progress' | 'draft' | 'archived';
  category: string;
  goal: string;
  persona: string;
  brief: string;
  concept: string;
  hook: string;
  channels: string[];
  listIndex: number | null;
  daysAgo: number;
  linkRepo: boolean;
  linkSequence?: string;
}

const PLANS: readonly Plan[] = [
  {
    name: 'Q3 mid-market VP Sales',
    status: 'active',
    category: 'Outbound',
    goal: 'Book 40 discovery calls with VP Sales before quarter end',
    persona: 'VP Sales at 200–2,000 employee B2B SaaS',
    brief:
      'Outbound to sales leaders who still forecast in spreadsheets; lead with forecast accuracy, prove with the ±6% variance story.',
    concept: 'see pipeline risk deal by deal before it becomes a missed number',
    hook: 'your commit call is only as good as the spreadsheet behind it',
    channels: ['email'],
    listIndex: 0,
    daysAgo: 10,
    linkRepo: true,
    linkSequence: 'Q3 mid-market VP Sales — cold outbound',
  },
  {
    name: 'EU fintech expansion',
    status: 'copy_in_progress',
    category: 'Outbound',
    goal: 'Open 15 opportunities with EU fintechs',
    persona: 'CRO and Head of Sales at Series B+ fintechs in the EU',
    brief: 'Recently funded fintechs scaling sales teams across EU markets.',
    concept: 'forecast every new market from day one',
    hook: 'new markets break old forecasting habits',
    channels: ['email', 'linkedin'],
    listIndex: 2,
    daysAgo: 0,
    linkRepo: false,
  },
  {
    name: 'Webinar follow-up: forecasting masterclass',
    status: 'draft',
    category: 'Event follow-up',
    goal: 'Convert attendees into demos',
    persona: 'Sales managers who attended the masterclass',
    brief: 'Follow up with attendees and no-shows of the forecasting masterclass.',
    concept: 'turn the masterclass framework into a weekly habit',
    hook: 'you saw the framework; here it is running on your pipeline',
    channels: ['email'],
    listIndex: null,
    daysAgo: 4,
    linkRepo: true,
  },
  {
    name: '2023 holiday promo',
    status: 'archived',
    category: 'Promotion',
    goal: 'Close Q4 deals with holiday pricing',
    persona: 'Existing trial users',
    brief: 'Year-end discount for open trials.',
    concept: 'lock in this year’s price',
    hook: 'holiday pricing ends Friday',
    channels: ['email'],
    listIndex: 1,
    daysAgo: 330,
    linkRepo: false,
  },
];

/** Seeded copy stays "in progress" for the real 60–90 s window after first start. */
const SEEDED_GENERATION_MS = 90_000;

export function seedCampaigns(db: Db, seed: SeedContext): void {
  const dice = new Dice(seed.rng);
  const ids = seedIds(dice);
  const lists = orgLists(db, seed.orgId);
  const repo = db
    .prepare("SELECT id FROM repo_repos WHERE org_id = ? AND repo_url LIKE '%/web-app'")
    .get(seed.orgId) as { id: string } | undefined;
  const insertCampaign = db.prepare(
    `INSERT INTO camp_campaigns (id, org_id, name, slug, status, category, goal, target_persona, brief, core_concept,
      primary_hook, secondary_hooks, target_channels, audience_list_id, campaign_idea_id, generation_status,
      generation_ready_ms, is_archived, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const insertDoc = db.prepare(
    `INSERT INTO camp_documents (id, campaign_id, name, type, folder_path, status, version, content, structured_data,
      position, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const insertStep = db.prepare(
    'INSERT INTO camp_steps (campaign_id, position, step_id, day, condition, stop_on_reply) VALUES (?, ?, ?, ?, NULL, 1)',
  );
  const seedOne = (orgId: string, p: Plan) => {
    const id = seedUuid(dice);
    const created = iso(seed.now - p.daysAgo * DAY_MS);
    const inProgress = p.status === 'copy_in_progress';
    const list = p.listIndex === null ? undefined : lists[p.listIndex % Math.max(lists.length, 1)];
    insertCampaign.run(
      id,
      orgId,
      p.name,
      slugify(p.name),
      p.status === 'archived' ? 'completed' : p.status,
      p.category,
      p.goal,
      p.persona,
      p.brief,
      p.concept,
      p.hook,
      JSON.stringify(['Board-ready forecast in one click']),
      JSON.stringify(p.channels),
      orgId === seed.orgId ? (list?.id ?? null) : null,
      seedUuid(dice),
      inProgress ? 'in_progress' : 'completed',
      inProgress ? seed.now + SEEDED_GENERATION_MS : null,
      p.status === 'archived' ? 1 : 0,
      created,
      created,
    );
    const source = {
      name: p.name,
      target_persona: p.persona,
      primary_hook: p.hook,
      core_concept: p.concept,
      goal: p.goal,
    };
    documentPlan(p.channels).forEach((d, i) => {
      // The draft campaign is half-written: its later documents are still drafts.
      const draft = inProgress || (p.status === 'draft' && i >= 2);
      const generated = generatedDocument(d.type, source);
      insertDoc.run(
        seedUuid(dice),
        id,
        d.name,
        d.type,
        d.folder,
        draft ? 'draft' : 'completed',
        inProgress ? 0 : 1,
        inProgress ? '' : generated.content,
        JSON.stringify(inProgress ? {} : generated.structured),
        i + 1,
        created,
        created,
      );
    });
    if (!inProgress) {
      const steps = p.status === 'draft' ? [{ step_id: 'email_intro', day: 0 }] : defaultSteps(p.channels);
      steps.forEach((s, i) => {
        insertStep.run(id, i + 1, s.step_id, s.day);
      });
    }
    if (p.linkRepo && repo && orgId === seed.orgId) {
      db.prepare('INSERT INTO camp_repo_links (repo_id, campaign_id) VALUES (?, ?)').run(repo.id, id);
    }
    if (p.linkSequence) {
      const seq = db
        .prepare('SELECT id FROM seq_sequences WHERE org_id = ? AND name = ?')
        .get(orgId, p.linkSequence) as { id: string } | undefined;
      if (seq) {
        db.prepare(
          'INSERT INTO camp_linked_sequences (id, campaign_id, sequence_id, linked_at) VALUES (?, ?, ?, ?)',
        ).run(ids('lnk'), id, seq.id, created);
        db.prepare('UPDATE seq_sequences SET campaign_id = ? WHERE id = ?').run(id, seq.id);
      }
    }
  };
  for (const p of PLANS) seedOne(seed.orgId, p);
  seedOne(seed.otherOrgId, {
    ...(PLANS[0] as Plan),
    name: 'Other org outbound',
    linkRepo: false,
    linkSequence: undefined,
  });
}
