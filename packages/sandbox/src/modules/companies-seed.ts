/** Fixture companies and lifecycle stages for both orgs (deterministic from the seed rng). */
import type { Db, SeedContext } from '../module.js';
import { Dice } from '../util/rng.js';
import { asciiWords } from '../util/text.js';
import { DAY_MS, iso } from '../util/time.js';
import { COMPANY_NAMES, INDUSTRIES, LIFECYCLE_STAGES, PLACES } from './seed-data.js';

const OTHER_ORG_COMPANIES = [
  'Initech',
  'Vandelay Industries',
  'Soylent Systems',
  'Hooli Hardware',
  'Umbrella Diagnostics',
];

const STATUS_NOTES = [
  'Needs exec sponsor',
  'Security review',
  'Renewal at risk',
  'Expansion candidate',
  null,
  null,
];

/** Industry from the name where it says one ("… Freight" is logistics), else a random one. */
const KEYWORDS: readonly (readonly [RegExp, string])[] = [
  [/logistics|freight|fleet|delivery|warehousing|marine/i, 'Logistics & Supply Chain'],
  [/robotics|drones|automation|precision|tools/i, 'Industrial Automation'],
  [/software|cloud|data|analytics|security|legal|hr /i, 'Computer Software'],
  [/foods|dairy|finch/i, 'Food & Beverages'],
  [/energy|grid|utilities|water/i, 'Renewable Energy'],
  [
    /manufacturing|packaging|textiles|construction|mining|chemicals|parts|semiconductors/i,
    'Machinery Manufacturing',
  ],
  [/health|medical/i, 'Hospital & Health Care'],
  [/payments|capital|fintech/i, 'Financial Services'],
  [/retail|hotels/i, 'Retail'],
  [/biotech|pharma|diagnostics/i, 'Biotechnology'],
  [/telecom/i, 'Telecommunications'],
  [/automotive/i, 'Automotive'],
  [/media|studios|games|sports/i, 'Media Production'],
  [/aerospace|optics/i, 'Aviation & Aerospace'],
  [/learning|agritech/i, 'Education Technology'],
  [/insurance/i, 'Insurance'],
];

function sectorFor(name: string, dice: Dice): (typeof INDUSTRIES)[number] {
  const industry = KEYWORDS.find(([re]) => re.test(`${name} `))?.[1];
  return INDUSTRIES.find((i) => i.industry === industry) ?? dice.pick(INDUSTRIES);
}

function userIds(db: Db, orgId: string): number[] {
  return db
    .prepare<[string], { id: number }>('SELECT id FROM users WHERE org_id = ? ORDER BY id')
    .all(orgId)
    .map((u) => u.id);
}

function seedOrg(
  db: Db,
  orgId: string,
  names: readonly string[],
  dice: Dice,
  now: number,
  withStages: boolean,
): void {
  const owners = userIds(db, orgId);
  const insertStage = db.prepare(
    'INSERT INTO lifecycle_stages (org_id, slug, name, position) VALUES (?, ?, ?, ?)',
  );
  LIFECYCLE_STAGES.forEach((stage, i) => {
    insertStage.run(orgId, stage.slug, stage.name, i + 1);
  });
  const insert = db.prepare(`INSERT INTO companies (org_id, name, description, domain, website, industry,
      industry_group, employee_count, revenue, founded_year, phone, address, city, state, zip, country,
      linkedin_url, linkedin_followers, facebook_url, twitter_url, crunchbase_url, logo_url, meta_data,
      custom_fields, lifecycle_stage, status, custom_status, subscription_status, mrr_cents, owner_id,
      created_at, updated_at)
    VALUES (@org_id, @name, @description, @domain, @website, @industry, @industry_group, @employee_count,
      @revenue, @founded_year, @phone, @address, @city, @state, @zip, @country, @linkedin_url,
      @linkedin_followers, @facebook_url, @twitter_url, @crunchbase_url, @logo_url, @meta_data,
      @custom_fields, @lifecycle_stage, @status, @custom_status, @subscription_status, @mrr_cents,
      @owner_id, @created_at, @updated_at)`);

  for (const name of names) {
    const slug = asciiWords(name, '-');
    const domain = `${asciiWords(name)}.com`;
    const sector = sectorFor(name, dice);
    const place = dice.pick(PLACES);
    const employees = dice.pick([12, 35, 80, 150, 240, 480, 900, 1800, 4200, 12000]);
    const revenue = employees * dice.int(90, 260) * 1000;
    const stage = withStages && dice.chance(0.7) ? dice.pick(LIFECYCLE_STAGES).slug : null;
    const created = now - dice.int(20, 700) * DAY_MS;
    const tier = employees >= 1000 ? 'Tier 1' : employees >= 200 ? 'Tier 2' : 'Tier 3';
    insert.run({
      org_id: orgId,
      name,
      description: `${name} is ${/^[aeiou]/i.test(sector.industry) ? 'an' : 'a'} ${sector.industry.toLowerCase()} company based in ${place.city}.`,
      domain,
      website: `https://www.${domain}`,
      industry: sector.industry,
      industry_group: sector.group,
      employee_count: String(employees),
      revenue: String(revenue),
      founded_year: dice.int(1962, 2021),
      phone: `${place.dial}555${String(dice.int(100, 199)).padStart(4, '0')}`,
      address: `${dice.int(1, 999)} ${dice.pick(['Market', 'Harbor', 'Mill', 'King', 'Station', 'Park'])} Street`,
      city: place.city,
      state: place.state,
      zip: place.zip,
      country: place.country,
      linkedin_url: `https://www.linkedin.com/company/${slug}`,
      linkedin_followers: String(dice.int(80, 60000)),
      facebook_url: dice.chance(0.5) ? `https://www.facebook.com/${slug}` : null,
      twitter_url: dice.chance(0.6) ? `https://x.com/${asciiWords(name)}` : null,
      crunchbase_url: dice.chance(0.5) ? `https://www.crunchbase.com/organization/${slug}` : null,
      logo_url: `https://www.${domain}/logo.png`,
      meta_data: JSON.stringify({ source: dice.pick(['import', 'crm_sync', 'website', 'manual']) }),
      custom_fields: JSON.stringify(
        dice.chance(0.75) ? { udo_account_tier_1712000100: tier, udo_region_1712000101: place.country } : {},
      ),
      lifecycle_stage: stage,
      status: stage === null ? null : stage === 'churned' ? 'inactive' : 'active',
      custom_status: stage === null ? null : dice.pick(STATUS_NOTES),
      subscription_status:
        stage === 'customer'
          ? dice.pick(['active', 'active', 'past_due'])
          : stage === 'churned'
            ? 'canceled'
            : null,
      mrr_cents: stage === 'customer' ? dice.int(20, 400) * 10_000 : null,
      owner_id: owners.length > 0 && dice.chance(0.85) ? dice.pick(owners) : null,
      created_at: iso(created),
      updated_at: iso(created + dice.int(0, 15) * DAY_MS),
    });
  }
}

export function seedCompanies(db: Db, seed: SeedContext): void {
  const dice = new Dice(seed.rng);
  seedOrg(db, seed.orgId, COMPANY_NAMES, dice, seed.now, true);
  seedOrg(db, seed.otherOrgId, OTHER_ORG_COMPANIES, dice, seed.now, true);
}
