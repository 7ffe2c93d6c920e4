/**
 * The sandbox's copywriter. Creating a campaign with auto_generate_documents inserts placeholder
 * documents and a ready time; the first read after that time "finishes" the job (fills the
 * documents, adds default steps, flips the status to active). Time-derived, so a client polling
 * the campaign sees copy_in_progress turn into active without any background worker.
 */
import type { Db } from '../../module.js';
import { readJson } from '../../util/json.js';
import { iso } from '../../util/time.js';
import type { CampaignRow } from './schema.js';

/** How long the sandbox takes to "write" copy (production: 60–90 s). */
export const GENERATION_MS = 4_000;

export interface DocPlan {
  type: string;
  name: string;
  folder: string;
}

export function documentPlan(channels: readonly string[]): DocPlan[] {
  const plan: DocPlan[] = [
    { type: 'messaging_framework', name: 'Messaging framework', folder: 'strategy' },
    { type: 'persona_brief', name: 'Persona brief', folder: 'strategy' },
  ];
  if (channels.includes('email'))
    plan.push({ type: 'email_copy', name: 'Email sequence copy', folder: 'copy' });
  if (channels.includes('linkedin'))
    plan.push({ type: 'linkedin_copy', name: 'LinkedIn copy', folder: 'copy' });
  if (channels.includes('phone')) plan.push({ type: 'call_script', name: 'Call script', folder: 'copy' });
  if (channels.includes('sms')) plan.push({ type: 'sms_copy', name: 'SMS copy', folder: 'copy' });
  plan.push({ type: 'objection_handling', name: 'Objection handling', folder: 'enablement' });
  return plan;
}

export function defaultSteps(channels: readonly string[]): { step_id: string; day: number }[] {
  const steps: { step_id: string; day: number }[] = [];
  if (channels.includes('email')) steps.push({ step_id: 'email_intro', day: 0 });
  if (channels.includes('linkedin')) steps.push({ step_id: 'linkedin_connect', day: 1 });
  if (channels.includes('email')) steps.push({ step_id: 'email_follow_up', day: 3 });
  if (channels.includes('phone')) steps.push({ step_id: 'phone_call', day: 5 });
  if (channels.includes('email')) steps.push({ step_id: 'email_breakup', day: 8 });
  return steps;
}

interface Brief {
  name: string;
  persona: string;
  hook: string;
  concept: string;
  goal: string;
}

function briefOf(
  c: Pick<CampaignRow, 'name' | 'target_persona' | 'primary_hook' | 'core_concept' | 'goal'>,
): Brief {
  return {
    name: c.name,
    persona: c.target_persona ?? 'revenue leaders',
    hook: c.primary_hook ?? 'forecasts built on guesswork cost you the quarter',
    concept: c.core_concept ?? 'see pipeline risk before it becomes a missed number',
    goal: c.goal ?? 'book discovery calls',
  };
}

export interface EmailCopy {
  subject: string;
  body: string;
}

export function emailCopy(b: Brief): Record<string, EmailCopy> {
  return {
    email_intro: {
      subject: '{{first_name}}, a question about your forecast',
      body: `Hi {{first_name}},\n\n${b.hook.charAt(0).toUpperCase()}${b.hook.slice(1)}. For ${b.persona} at companies like {{company_name}}, the fix is to ${b.concept}.\n\nOpen to a 15-minute look next week?\n\n{{sender_first_name}}`,
    },
    email_follow_up: {
      subject: 'Re: {{first_name}}, a question about your forecast',
      body: 'Hi {{first_name}}, floating this up. Teams like yours usually see the first at-risk deals flagged within a week. Worth a look?\n\n{{sender_first_name}}',
    },
    email_case_study: {
      subject: 'How a team like {{company_name}} hit forecast',
      body: 'Hi {{first_name}}, one customer cut forecast variance from ±22% to ±6% in a quarter. Two-minute read attached if useful.\n\n{{sender_first_name}}',
    },
    email_breakup: {
      subject: 'Closing the loop',
      body: "Hi {{first_name}}, I will stop here. If forecasting becomes a priority, reply 'later' and I will check back next quarter.\n\n{{sender_first_name}}",
    },
  };
}

function contentFor(type: string, b: Brief): { content: string; structured: Record<string, unknown> } {
  switch (type) {
    case 'messaging_framework':
      return {
        content: `# Messaging framework: ${b.name}\n\n## Core concept\n${b.concept}\n\n## Primary hook\n${b.hook}\n\n## Proof points\n- Forecast variance cut from ±22% to ±6% within one quarter\n- Deal-risk flags from email, calendar and call activity\n- Live in a day on top of the existing CRM\n\n## Call to action\n${b.goal}`,
        structured: { core_concept: b.concept, primary_hook: b.hook, cta: b.goal },
      };
    case 'persona_brief':
      return {
        content: `# Persona brief: ${b.persona}\n\n**Owns:** the number, the forecast call, rep productivity.\n\n**Pains:** late surprises in commit, spreadsheet roll-ups, CRM data nobody trusts.\n\n**Wins when:** the forecast holds and the board meeting is boring.`,
        structured: { persona: b.persona },
      };
    case 'email_copy': {
      const emails = emailCopy(b);
      const content = Object.entries(emails)
        .map(([step, e]) => `## ${step}\nSubject: ${e.subject}\n\n${e.body}`)
        .join('\n\n');
      return { content: `# Email sequence copy\n\n${content}`, structured: { emails } };
    }
    case 'linkedin_copy':
      return {
        content: `# LinkedIn copy\n\n## linkedin_connect\nHi {{first_name}}, I work with ${b.persona} on forecast accuracy. Would be glad to connect.\n\n## linkedin_message\nThanks for connecting, {{first_name}}. How do you forecast today: CRM roll-up or spreadsheet?`,
        structured: {},
      };
    case 'call_script':
      return {
        content: `# Call script\n\n1. Permission opener: "Did I catch you at a bad time?"\n2. Hook: ${b.hook}.\n3. Question: "How confident were you in last quarter's commit at week 6?"\n4. Ask: ${b.goal}.`,
        structured: {},
      };
    case 'sms_copy':
      return {
        content:
          '# SMS copy\n\nHi {{first_name}}, {{sender_first_name}} here: quick question about your forecast, OK to send a 2-min video?',
        structured: {},
      };
    default:
      return {
        content:
          '# Objection handling\n\n**"We already have a BI tool."** BI shows what happened; we flag what is about to slip.\n\n**"No time to implement."** Read-only CRM connection, live in a day.\n\n**"Send me info."** Offer the 2-minute video, then ask for 15 minutes.',
        structured: {},
      };
  }
}

export function generatedDocument(type: string, c: Parameters<typeof briefOf>[0]) {
  return contentFor(type, briefOf(c));
}

/** Finishes every generation whose ready time has passed (call at the start of each handler). */
export function settleGeneration(db: Db, orgId: string, now: number): void {
  const due = db
    .prepare(
      "SELECT * FROM camp_campaigns WHERE org_id = ? AND status = 'copy_in_progress' AND generation_ready_ms IS NOT NULL AND generation_ready_ms <= ?",
    )
    .all(orgId, now) as CampaignRow[];
  for (const c of due) {
    const at = iso(c.generation_ready_ms ?? now);
    const docs = db
      .prepare(
        "SELECT id, type FROM camp_documents WHERE campaign_id = ? AND status = 'draft' AND content = ''",
      )
      .all(c.id) as { id: string; type: string }[];
    const fill = db.prepare(
      "UPDATE camp_documents SET content = ?, structured_data = ?, status = 'completed', version = version + 1, updated_at = ? WHERE id = ?",
    );
    for (const d of docs) {
      const generated = generatedDocument(d.type, c);
      fill.run(generated.content, JSON.stringify(generated.structured), at, d.id);
    }
    const hasSteps = db.prepare('SELECT 1 FROM camp_steps WHERE campaign_id = ?').get(c.id);
    if (!hasSteps) {
      const insert = db.prepare(
        'INSERT INTO camp_steps (campaign_id, position, step_id, day, condition, stop_on_reply) VALUES (?, ?, ?, ?, NULL, 1)',
      );
      defaultSteps(readJson<string[]>(c.target_channels, ['email'])).forEach((s, i) => {
        insert.run(c.id, i + 1, s.step_id, s.day);
      });
    }
    db.prepare(
      "UPDATE camp_campaigns SET status = 'active', generation_status = 'completed', updated_at = ? WHERE id = ?",
    ).run(at, c.id);
  }
}
