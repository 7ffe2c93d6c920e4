/**
 * Renders a step's copy for the preview route: merge tokens resolved against a sample contact,
 * spintax expanded into up to three variants, and the problems a sender would hit listed as
 * content_issues. ON_DEMAND steps have no copy until a human writes it, so they render as null.
 */
import type { ContactSample } from '../../util/org.js';
import { type Parsed, parseTemplate, spinCounts } from './spintax.js';

export interface Sender {
  name: string;
  email: string;
}

export interface Rendered {
  subject?: string;
  body?: string;
  total_combinations: number;
  variants: { subject?: string; body?: string }[];
  will_send_as_shown: boolean;
  content_issues: string[];
}

function tokenValues(contact: ContactSample | null, sender: Sender): Record<string, string> {
  const first = contact?.first_name ?? '';
  const last = contact?.last_name ?? '';
  return {
    first_name: first,
    last_name: last,
    full_name: `${first} ${last}`.trim(),
    email: contact?.work_email ?? '',
    work_email: contact?.work_email ?? '',
    job_title: contact?.job_title ?? '',
    title: contact?.job_title ?? '',
    company: contact?.company_name ?? '',
    company_name: contact?.company_name ?? '',
    company_domain: contact?.company_domain ?? '',
    city: contact?.city ?? '',
    country: contact?.country ?? '',
    sender_name: sender.name,
    sender_first_name: sender.name.split(' ')[0] ?? sender.name,
    sender_email: sender.email,
  };
}

/** Text of one variant: `pick[i]` selects the option of the i-th spin group. */
function materialise(
  parsed: Parsed,
  pick: readonly number[],
  values: Record<string, string>,
  issues: Set<string>,
) {
  let group = 0;
  const resolveTokens = (text: string): string =>
    parseTemplate(text)
      .segments.map((s) =>
        s.kind === 'token' ? resolve(s.name, s.fallback, s.raw) : s.kind === 'text' ? s.text : '',
      )
      .join('');
  const resolve = (name: string, fallback: string | null, raw: string): string => {
    const value = values[name];
    if (value === undefined) {
      issues.add(`Unknown merge token ${raw}`);
      return raw;
    }
    if (value === '') {
      if (fallback !== null) return fallback;
      issues.add(`Merge token ${raw} is empty for the preview contact; add a fallback ({{${name}|…}})`);
    }
    return value;
  };
  return parsed.segments
    .map((s) => {
      if (s.kind === 'text') return s.text;
      if (s.kind === 'token') return resolve(s.name, s.fallback, s.raw);
      const option = s.options[(pick[group++] ?? 0) % s.options.length] ?? '';
      return resolveTokens(option);
    })
    .join('');
}

/** Mixed-radix digits of `k`: the k-th combination of the spin groups. */
function combination(k: number, counts: readonly number[]): number[] {
  let rest = k;
  return counts.map((n) => {
    const digit = rest % n;
    rest = Math.floor(rest / n);
    return digit;
  });
}

/** Which fields of step_data carry the sendable copy for this step type. */
function copyFields(
  stepType: string,
  data: Record<string, unknown>,
): { subject?: unknown; body?: unknown } | null {
  switch (stepType) {
    case 'EMAIL':
      return { subject: data.subject ?? '', body: data.body ?? '' };
    case 'SMS':
    case 'WHATSAPP':
      return { body: data.message_body ?? '' };
    case 'HEYREACH':
    case 'UNIPILE':
      if (data.linkedin_action_type === 'CONNECTION_REQUEST')
        return { body: data.linkedin_connection_message ?? '' };
      if (data.linkedin_action_type === 'MESSAGE') return { body: data.linkedin_message_text ?? '' };
      if (data.linkedin_action_type === 'INMAIL') {
        return { subject: data.linkedin_inmail_subject ?? '', body: data.linkedin_inmail_body ?? '' };
      }
      return null;
    default:
      return null;
  }
}

export interface StepToRender {
  step_order: number;
  step_type: string;
  input_type: string;
  step_data: Record<string, unknown>;
}

export function renderStep(
  step: StepToRender,
  contact: ContactSample | null,
  sender: Sender,
  sameThread: boolean,
): Rendered | null {
  if (step.input_type === 'ON_DEMAND') return null;
  const issues = new Set<string>();
  const fields = copyFields(step.step_type, step.step_data);
  if (fields === null) {
    return { total_combinations: 1, variants: [], will_send_as_shown: true, content_issues: [] };
  }
  const subjectText = typeof fields.subject === 'string' ? fields.subject : undefined;
  const bodyText = typeof fields.body === 'string' ? fields.body : '';
  const aiWithoutCopy = step.input_type === 'AI_GENERATED_TEMPLATE' && bodyText.trim() === '';
  if (aiWithoutCopy) issues.add('Copy is written by AI at send time from the step instructions');
  else if (bodyText.trim() === '') issues.add('Body is empty');
  if (subjectText !== undefined && subjectText.trim() === '' && !aiWithoutCopy) {
    if (!(sameThread && step.step_order > 1)) issues.add('Subject is empty');
  }

  const subject = subjectText === undefined ? undefined : parseTemplate(subjectText);
  const body = parseTemplate(bodyText);
  for (const issue of [...(subject?.issues ?? []), ...body.issues]) issues.add(issue);
  const subjectCounts = subject ? spinCounts(subject) : [];
  const bodyCounts = spinCounts(body);
  const counts = [...subjectCounts, ...bodyCounts];
  const total = Math.min(
    counts.reduce((a, b) => a * b, 1),
    Number.MAX_SAFE_INTEGER,
  );

  const values = tokenValues(contact, sender);
  const variants: { subject?: string; body?: string }[] = [];
  for (let k = 0; k < Math.min(3, total); k++) {
    const pick = combination(k, counts);
    const variant: { subject?: string; body?: string } = {};
    if (subject) variant.subject = materialise(subject, pick.slice(0, subjectCounts.length), values, issues);
    variant.body = materialise(body, pick.slice(subjectCounts.length), values, issues);
    variants.push(variant);
  }
  const first = variants[0] ?? {};
  if (step.step_type === 'SMS' && (first.body?.length ?? 0) > 160) {
    issues.add(`Message is ${first.body?.length} characters: it will be sent as several SMS segments`);
  }
  if (step.step_data.linkedin_action_type === 'CONNECTION_REQUEST' && (first.body?.length ?? 0) > 300) {
    issues.add('LinkedIn connection notes are limited to 300 characters');
  }
  const contentIssues = [...issues];
  return {
    ...(first.subject !== undefined ? { subject: first.subject } : {}),
    body: first.body ?? '',
    total_combinations: total,
    variants,
    will_send_as_shown: total === 1 && contentIssues.length === 0,
    content_issues: contentIssues,
  };
}
