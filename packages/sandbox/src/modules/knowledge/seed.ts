/** KB documents for the demo org, its scanned repo, and one document for the other org. */
import type { Db, SeedContext } from '../../module.js';
import { seedIds } from '../../util/ids.js';
import { orgName } from '../../util/org.js';
import { Dice } from '../../util/rng.js';
import { DAY_MS, iso } from '../../util/time.js';
import { type KbDoc, orgDocuments, repoDocuments } from './documents.js';

export function seedKnowledge(db: Db, seed: SeedContext): void {
  const dice = new Dice(seed.rng);
  const ids = seedIds(dice);
  const insert = db.prepare(
    'INSERT INTO kb_documents (id, org_id, repo_id, section, title, content, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
  );
  const put = (orgId: string, repoId: string | null, docs: readonly KbDoc[]) => {
    for (const d of docs) {
      const created = seed.now - dice.int(20, 90) * DAY_MS;
      insert.run(
        ids('kb'),
        orgId,
        repoId,
        d.section,
        d.title,
        d.content,
        iso(created),
        iso(created + dice.int(0, 15) * DAY_MS),
      );
    }
  };
  const brand = orgName(db, seed.orgId).split(/\s+/)[0] || 'Acme';
  put(seed.orgId, null, orgDocuments(brand));
  const repo = db
    .prepare("SELECT id FROM repo_repos WHERE org_id = ? AND repo_url LIKE '%/web-app'")
    .get(seed.orgId) as { id: string } | undefined;
  if (repo) put(seed.orgId, repo.id, repoDocuments(brand));
  put(seed.otherOrgId, null, [
    {
      section: 'Positioning',
      title: 'Other org positioning',
      content: 'A different company with its own pricing and positioning.',
    },
  ]);
}
