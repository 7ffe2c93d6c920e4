/**
 * Seed knowledge-base content: the demo org's GTM playbook (positioning, personas, ICP, pricing,
 * objections, product) and the scanned repo's technical notes. `brand` is the org's first word,
 * so the documents talk about the same company the rest of the demo data belongs to.
 */

export interface KbDoc {
  section: string;
  title: string;
  content: string;
}

export function orgDocuments(brand: string): KbDoc[] {
  const product = `${brand} Pulse`;
  return [
    {
      section: 'Positioning',
      title: 'Positioning statement',
      content: `For VP Sales and RevOps leaders at growing B2B SaaS companies who cannot trust their forecast, ${product} is a revenue-intelligence platform that scores every open deal for risk using email, calendar and call activity. Unlike BI dashboards that report what already happened, ${product} flags which deals are about to slip while there is still time to act. Category: revenue intelligence / forecasting. Tagline: "Know your number before the board asks."`,
    },
    {
      section: 'Personas',
      title: 'Persona: VP Sales',
      content: `Owns the number and the weekly commit call. Typical company: 200–2,000 employees, 20–150 quota-carrying reps. Pains: late surprises in commit, spreadsheet roll-ups, reps sandbagging or happy-earing, CRM data nobody trusts. Success metric: forecast accuracy within ±5% at week 6 of the quarter. Buying role: economic buyer, signs up to $50k ACV alone. Messaging that lands: "walk into the board meeting with a number you believe"; the ±22% → ±6% variance case study.`,
    },
    {
      section: 'Personas',
      title: 'Persona: RevOps leader',
      content: `Runs the CRM, the forecast process and the tooling budget. Pains: half the week spent cleaning pipeline data, building the same roll-up in three tools, reps ignoring required fields. Cares about: clean CRM integration (read-only first), field mapping, SSO/SCIM, admin effort. Buying role: technical evaluator and champion; often runs the security questionnaire. Messaging that lands: "activity capture fills the fields your reps skip".`,
    },
    {
      section: 'ICP',
      title: 'Ideal customer profile',
      content: `Firmographics: B2B SaaS or fintech, 200–2,000 employees, Series B to pre-IPO, North America and EU. Technographics: HubSpot or Salesforce CRM, Google Workspace or Microsoft 365, a call recorder (Gong, Chorus) is a plus. Triggers: new CRO or VP Sales in the last 6 months, recent funding round, hiring 5+ AEs, missed quarter mentioned in earnings or press. Disqualifiers: fewer than 10 reps, transactional self-serve sales only, no CRM.`,
    },
    {
      section: 'Objection handling',
      title: 'Objection: "We already use Clari / Gong"',
      content: `Acknowledge: many customers keep their call recorder. Reframe: Gong records conversations; Clari rolls up the forecast. ${product} scores each deal's risk from every signal and explains why, so managers coach the right deals. Proof: 40% of customers run ${product} alongside Gong. Ask: "What would change if you knew which 5 commit deals are at risk on Monday?"`,
    },
    {
      section: 'Objection handling',
      title: 'Objection: "No budget this quarter"',
      content: `Clarify whether it is budget or priority. Offer the 30-day pilot on one team, priced at zero if forecast accuracy does not improve. Point to cost of a missed quarter versus the subscription. If timing truly is next quarter, agree a date and send the ROI worksheet so the champion can build the business case.`,
    },
    {
      section: 'Pricing',
      title: 'Pricing and packaging',
      content: `Plans are priced per seat per year. Team: $45/seat/month billed annually, up to 25 seats, CRM sync, deal risk scores. Growth: $75/seat/month, adds forecasting roll-ups, manager coaching views and Slack alerts. Enterprise: custom pricing, adds SSO/SCIM, EU data residency, sandbox tenant and a 99.9% uptime SLA. Discounts: up to 15% for multi-year; pilots are free for 30 days on one team. Typical deal: 40 seats on Growth, about $36k ACV.`,
    },
    {
      section: 'Product',
      title: 'Product overview',
      content: `${product} connects to the CRM (HubSpot, Salesforce), email and calendar, and call recorders. It builds a timeline per deal, scores risk daily (engagement gaps, single-threading, slipping close dates, missing next steps) and rolls deals up into a forecast by team and region. Managers get a Monday risk digest; reps get next-best actions. Setup takes a day: read-only OAuth to the CRM, no data entry.`,
    },
    {
      section: 'Product',
      title: 'Integrations',
      content: `CRM: HubSpot, Salesforce (read-only by default, optional write-back of risk scores). Email and calendar: Google Workspace, Microsoft 365. Calls: Gong, Chorus, Zoom. Messaging: Slack alerts. Data: Snowflake export on Enterprise. Security: SOC 2 Type II, ISO 27001, EU hosting option.`,
    },
    {
      section: 'Competition',
      title: 'Competitive landscape',
      content: `Clari: strong roll-ups, heavy implementation; we win on time-to-value and deal-level explanations. Gong Forecast: good if already on Gong; we win with mixed tooling and RevOps who want CRM-first. Spreadsheets: the real competitor; win with the ±6% variance story and a 30-day pilot.`,
    },
  ];
}

export function repoDocuments(brand: string): KbDoc[] {
  return [
    {
      section: 'Technical',
      title: 'Tracking plan',
      content: `Events the web app should send to graph8: page views (automatic), signup_completed (identify by email with plan and team size), demo_requested (form capture with UTM source/medium/campaign), trial_started and seat_invited (product-qualified lead signals). Identify on login so anonymous sessions join the contact record. Never send passwords or payment data.`,
    },
    {
      section: 'Technical',
      title: 'App architecture for GTM',
      content: `Next.js 15 App Router on Vercel, TypeScript, next-auth for sign-in. Public routes: /, /pricing, /demo. API routes: POST /api/signup, POST /api/auth/login, POST /api/demo-request. The graph8 write key is public and read from NEXT_PUBLIC_G8_WRITE_KEY; the server never needs the graph8 API key for tracking.`,
    },
    {
      section: 'Onboarding',
      title: 'Signup and trial flow',
      content: `Visitors sign up with a work email, pick a team size and connect their CRM. The trial lasts 14 days. Trials that invite 3+ teammates are product-qualified leads and go to the "${brand} trial expansion" sequence; demo requests from teams above 25 seats route to sales within 5 minutes.`,
    },
    {
      section: 'Pricing',
      title: 'Pricing page copy',
      content: `Headline: "Forecast with confidence, from $45 per seat." Plans: Team, Growth (most popular), Enterprise (contact sales). FAQ: pilots are free for 30 days; annual billing; SSO on Enterprise. CTA buttons: "Start free trial" (Team/Growth), "Talk to sales" (Enterprise).`,
    },
  ];
}
