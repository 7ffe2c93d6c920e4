/** Fixture contacts, lists, memberships and suppressions for both orgs (deterministic). */
import type { Db, SeedContext } from '../module.js';
import { Dice } from '../util/rng.js';
import { asciiWords } from '../util/text.js';
import { DAY_MS, iso } from '../util/time.js';
import { FIRST_NAMES, LAST_NAMES, PLACES, SENIORITY_TITLES, SENIORITY_WEIGHTS } from './seed-data.js';

interface SeededContact {
  id: number;
  seniority: string;
  country: string;
  companyStage: string | null;
}

function weighted(dice: Dice, weights: readonly (readonly [string, number])[]): string {
  let roll = dice.rng();
  for (const [value, w] of weights) {
    roll -= w;
    if (roll < 0) return value;
  }
  return weights[weights.length - 1]?.[0] ?? '';
}

function seedContacts(db: Db, orgId: string, count: number, dice: Dice, now: number): SeededContact[] {
  const companies = db
    .prepare<
      [string],
      {
        id: number;
        domain: string;
        city: string;
        state: string;
        country: string;
        lifecycle_stage: string | null;
      }
    >('SELECT id, domain, city, state, country, lifecycle_stage FROM companies WHERE org_id = ? ORDER BY id')
    .all(orgId);
  const owners = db
    .prepare<[string], { id: number }>('SELECT id FROM users WHERE org_id = ? ORDER BY id')
    .all(orgId)
    .map((u) => u.id);
  const insert = db.prepare(`INSERT INTO contacts (org_id, first_name, last_name, work_email, personal_emails,
      direct_phone, mobile_phone, job_title, job_department, seniority_level, linkedin_url, twitter_url,
      facebook_url, about, confidence_score, city, state, country, company_id, owner_id, meta_data,
      custom_fields, created_at, updated_at)
    VALUES (@org_id, @first_name, @last_name, @work_email, @personal_emails, @direct_phone, @mobile_phone,
      @job_title, @job_department, @seniority_level, @linkedin_url, @twitter_url, @facebook_url, @about,
      @confidence_score, @city, @state, @country, @company_id, @owner_id, @meta_data, @custom_fields,
      @created_at, @updated_at)`);
  const usedEmails = new Set<string>();
  const out: SeededContact[] = [];
  for (let i = 0; i < count; i++) {
    // Every company gets at least one contact, then the rest spread at random.
    const company = i < companies.length ? companies[i] : dice.pick(companies);
    if (!company) break;
    const first = dice.pick(FIRST_NAMES);
    const last = dice.pick(LAST_NAMES);
    const seniority = weighted(dice, SENIORITY_WEIGHTS);
    const [title, department] = dice.pick(SENIORITY_TITLES[seniority] ?? [['Analyst', 'Operations']]);
    // Most people work where their company is; some are remote elsewhere.
    const place = dice.chance(0.8)
      ? { city: company.city, state: company.state, country: company.country }
      : dice.pick(PLACES);
    const dial = PLACES.find((p) => p.country === place.country)?.dial ?? '+1415';
    let local = `${asciiWords(first)}.${asciiWords(last)}`;
    if (usedEmails.has(`${local}@${company.domain}`)) local = `${local}${i}`;
    const email = `${local}@${company.domain}`;
    usedEmails.add(email);
    const created = now - dice.int(1, 500) * DAY_MS;
    const custom: Record<string, unknown> = {};
    if (dice.chance(0.6)) custom.udo_lead_score_1712000000 = dice.int(5, 99);
    if (dice.chance(0.3))
      custom.udo_preferred_language_1712000001 = dice.pick(['en', 'de', 'fr', 'es', 'ja', 'pt']);
    const info = insert.run({
      org_id: orgId,
      first_name: first,
      last_name: last,
      // Some fields are left empty on purpose so enrichment has something to fill.
      work_email: dice.chance(0.9) ? email : null,
      personal_emails: JSON.stringify(
        dice.chance(0.2) ? [`${asciiWords(first)}${dice.int(10, 99)}@gmail.com`] : [],
      ),
      direct_phone: dice.chance(0.55) ? `${dial}555${String(dice.int(100, 199)).padStart(4, '0')}` : null,
      mobile_phone: dice.chance(0.45) ? `${dial}555${String(dice.int(200, 299)).padStart(4, '0')}` : null,
      job_title: title,
      job_department: department,
      seniority_level: seniority,
      linkedin_url: dice.chance(0.85)
        ? `https://www.linkedin.com/in/${asciiWords(first)}-${asciiWords(last)}-${dice.hex(6)}`
        : null,
      twitter_url: dice.chance(0.15) ? `https://x.com/${asciiWords(first)}${asciiWords(last)}` : null,
      facebook_url: null,
      about: dice.chance(0.4)
        ? `${title} with ${dice.int(3, 25)} years in ${department.toLowerCase()}.`
        : null,
      confidence_score: Math.round((0.6 + dice.rng() * 0.4) * 100) / 100,
      city: place.city,
      state: place.state,
      country: place.country,
      company_id: company.id,
      owner_id: owners.length > 0 && dice.chance(0.8) ? dice.pick(owners) : null,
      meta_data: JSON.stringify({
        source: dice.pick(['csv_import', 'crm_sync', 'prospecting', 'inbound_form']),
      }),
      custom_fields: JSON.stringify(custom),
      created_at: iso(created),
      updated_at: iso(created + dice.int(0, 30) * DAY_MS),
    });
    out.push({
      id: Number(info.lastInsertRowid),
      seniority,
      country: place.country,
      companyStage: company.lifecycle_stage,
    });
  }
  return out;
}

const EUROPE = new Set(['United Kingdom', 'Germany', 'France', 'Netherlands', 'Sweden', 'Ireland']);

function seedLists(
  db: Db,
  orgId: string,
  lists: readonly (readonly [string, readonly SeededContact[]])[],
  now: number,
): void {
  const insertList = db.prepare('INSERT INTO lists (org_id, name, created_at) VALUES (?, ?, ?)');
  const insertMember = db.prepare(
    'INSERT OR IGNORE INTO list_members (list_id, contact_id, added_at) VALUES (?, ?, ?)',
  );
  lists.forEach(([name, members], i) => {
    const listId = Number(insertList.run(orgId, name, iso(now - (60 - i * 7) * DAY_MS)).lastInsertRowid);
    for (const m of members) insertMember.run(listId, m.id, iso(now - (30 - i) * DAY_MS));
  });
}

function seedSuppressions(db: Db, orgId: string, contacts: readonly SeededContact[], now: number): void {
  const insert = db.prepare(
    'INSERT INTO suppressions (org_id, contact_id, channel, category, reason, created_at) VALUES (?, ?, ?, ?, ?, ?)',
  );
  const rows = [
    ['email', 'contact_initiated', 'Unsubscribed via email footer link'],
    ['all', 'contact_initiated', 'Asked not to be contacted again'],
    ['phone', 'org_initiated', 'On the national do-not-call registry'],
    ['email', 'system', 'Hard bounce: mailbox does not exist'],
    ['linkedin', 'org_initiated', 'Existing customer champion: no cold outreach'],
  ] as const;
  rows.forEach(([channel, category, reason], i) => {
    const contact = contacts[7 + i * 11];
    if (contact) insert.run(orgId, contact.id, channel, category, reason, iso(now - (i + 2) * DAY_MS));
  });
  // One contact suppressed on two channels, so active_channels has more than one entry.
  const twice = contacts[7];
  if (twice)
    insert.run(orgId, twice.id, 'phone', 'contact_initiated', 'Requested email only', iso(now - DAY_MS));
}

export function seedContactsModule(db: Db, seed: SeedContext): void {
  const dice = new Dice(seed.rng);
  const demo = seedContacts(db, seed.orgId, 200, dice, seed.now);
  const senior = demo.filter((c) => ['C-Suite', 'VP', 'Director'].includes(c.seniority));
  seedLists(
    db,
    seed.orgId,
    [
      ['Q3 target accounts – VP and above', senior.slice(0, 40)],
      ['Robotics Summit 2025 attendees', dice.sample(demo, 30)],
      ['EMEA manufacturing leads', demo.filter((c) => EUROPE.has(c.country)).slice(0, 35)],
      ['Newsletter subscribers', dice.sample(demo, 60)],
      ['Customer champions', demo.filter((c) => c.companyStage === 'customer').slice(0, 25)],
    ],
    seed.now,
  );
  seedSuppressions(db, seed.orgId, demo, seed.now);

  const other = seedContacts(db, seed.otherOrgId, 12, dice, seed.now);
  seedLists(db, seed.otherOrgId, [['Globex prospects', other.slice(0, 8)]], seed.now);
  seedSuppressions(db, seed.otherOrgId, other, seed.now);
}
