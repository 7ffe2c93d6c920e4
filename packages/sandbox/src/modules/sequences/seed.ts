/**
 * Demo sequences in every interesting state (drafted, live, paused, completed, scheduling,
 * archived) with email, LinkedIn, phone and SMS steps, so each route has something to act on and
 * each 409 can be provoked. The other org gets one live sequence for cross-org 404s.
 */
import type { Db, SeedContext } from '../../module.js';
import { seedIds } from '../../util/ids.js';
import {
  activeMailboxes,
  type MailboxRow,
  mailboxChannelType,
  orgLists,
  orgMembers,
} from '../../util/org.js';
import { Dice } from '../../util/rng.js';
import { DAY_MS, iso } from '../../util/time.js';
import { insertSequence, type NewChannel, type NewStep } from './store.js';

const DAY_S = 86_400;

interface Blueprint {
  name: string;
  status: string;
  description: string;
  kind?: 'cold_outbound' | 'nurture';
  archived?: boolean;
  sameThread?: boolean;
  listIndex: number | null;
  linkedin?: boolean;
  phone?: boolean;
  sms?: boolean;
  daysAgo: number;
  steps: Omit<NewStep, 'stats'>[];
}

const email = (
  order: number,
  input: string,
  days: number,
  data: Record<string, unknown>,
): Omit<NewStep, 'stats'> => ({
  step_order: order,
  step_type: 'EMAIL',
  input_type: input,
  time_interval: days * DAY_S,
  step_data: { email_type: 'plain', ...data },
});

const step = (order: number, type: string, input: string, days: number, data: Record<string, unknown>) => ({
  step_order: order,
  step_type: type,
  input_type: input,
  time_interval: days * DAY_S,
  step_data: data,
});

const BLUEPRINTS: readonly Blueprint[] = [
  {
    name: 'Q3 mid-market VP Sales — cold outbound',
    status: 'live',
    description: 'Five-touch outbound to VP/Head of Sales at 200–2,000 employee SaaS companies.',
    sameThread: true,
    listIndex: 0,
    linkedin: true,
    phone: true,
    daysAgo: 21,
    steps: [
      email(1, 'MANUAL_TEMPLATE', 0, {
        subject: '{Quick question|An idea} for {{company_name}}',
        body: '{Hi|Hey} {{first_name}},\n\nMost sales leaders I talk to at companies like {{company_name}} are forecasting off gut feel and a spreadsheet. We give VP Sales a live read on pipeline risk, deal by deal.\n\nWorth a 15-minute look next week?\n\n{{sender_first_name}}',
      }),
      step(2, 'HEYREACH', 'MANUAL_TEMPLATE', 2, {
        linkedin_action_type: 'CONNECTION_REQUEST',
        linkedin_connection_message:
          'Hi {{first_name}}, I work with revenue leaders on forecast accuracy. Would be glad to connect.',
        linkedin_connection_withdraw_days: 25,
      }),
      email(3, 'MANUAL_TEMPLATE', 3, {
        subject: '',
        body: 'Hi {{first_name}}, one number that usually lands: teams using us cut forecast variance from ±22% to ±6% within a quarter. Happy to show how {{company_name|your team}} would look.\n\n{{sender_first_name}}',
      }),
      step(4, 'PHONE', 'ON_DEMAND', 2, { dial_dnc: false, phone_options: ['direct', 'mobile'] }),
      email(5, 'AI_GENERATED_TEMPLATE', 4, {
        instructions: 'Polite break-up email. Reference their role and one pipeline pain. Under 70 words.',
      }),
    ],
  },
  {
    name: 'Webinar no-show nurture',
    status: 'paused',
    kind: 'nurture',
    description: 'Recording + two nudges for registrants who missed the live session.',
    listIndex: 1,
    sms: true,
    daysAgo: 12,
    steps: [
      email(1, 'MANUAL_TEMPLATE', 0, {
        subject: 'The recording you asked for, {{first_name}}',
        body: 'Hi {{first_name}},\n\nSorry we missed you live. Here is the 38-minute recording of "Forecasting without spreadsheets": https://example.com/webinar\n\nThe pipeline-risk demo starts at 14:20.',
      }),
      step(2, 'SMS', 'MANUAL_TEMPLATE', 2, {
        message_body:
          'Hi {{first_name}}, {{sender_first_name}} here. Did the webinar recording come through OK? Reply STOP to opt out.',
      }),
      email(3, 'MANUAL_TEMPLATE', 5, {
        subject: 'Your forecast, in one screen',
        body: 'Hi {{first_name}}, if the recording sparked questions, grab 20 minutes here: https://example.com/meet',
      }),
    ],
  },
  {
    name: 'Series B fintech founders',
    status: 'drafted',
    description: 'Founder-to-founder intro for recently funded fintechs. Copy still being written.',
    listIndex: 2,
    linkedin: true,
    daysAgo: 3,
    steps: [
      email(1, 'ON_DEMAND', 0, { subject: 'Congrats on the raise', body: '' }),
      step(2, 'HEYREACH', 'MANUAL_TEMPLATE', 3, {
        linkedin_action_type: 'MESSAGE',
        linkedin_message_text: 'Hi {{frist_name}}, congrats on the Series B! Scaling the sales team next?',
      }),
    ],
  },
  {
    name: 'Trial expansion — product-qualified leads',
    status: 'completed',
    description: 'Trial users who invited 3+ teammates; offer an expansion call.',
    listIndex: 3,
    daysAgo: 45,
    steps: [
      email(1, 'AI_GENERATED_TEMPLATE', 0, {
        subject: '{{first_name}}, your team is already using it',
        body: 'Hi {{first_name}}, {{company_name}} added teammates this week. Want help rolling it out to the whole sales floor?',
        instructions: 'Reference the number of seats invited.',
      }),
      email(2, 'MANUAL_TEMPLATE', 3, {
        subject: 'Rollout checklist',
        body: 'Hi {{first_name}}, here is the 5-step rollout checklist other teams used.',
      }),
    ],
  },
  {
    name: 'EMEA RevOps leaders',
    status: 'scheduling',
    description: 'RevOps heads in UK/DE/NL; launching into the EMEA business-hours schedule.',
    listIndex: 4,
    daysAgo: 1,
    steps: [
      email(1, 'MANUAL_TEMPLATE', 0, {
        subject: 'CRM hygiene at {{company_name}}',
        body: 'Hi {{first_name}}, RevOps teams tell us half their week goes to cleaning pipeline data. We automate that part.',
      }),
    ],
  },
  {
    name: 'Enterprise ABM — LinkedIn first',
    status: 'live',
    description: 'Warm up enterprise buying committees on LinkedIn before the first email.',
    listIndex: 0,
    linkedin: true,
    daysAgo: 9,
    steps: [
      step(1, 'HEYREACH', 'MANUAL_TEMPLATE', 0, { linkedin_action_type: 'VIEW_PROFILE' }),
      step(2, 'HEYREACH', 'MANUAL_TEMPLATE', 1, {
        linkedin_action_type: 'CONNECTION_REQUEST',
        linkedin_connection_message:
          '{Hi|Hello} {{first_name}}, following your work on revenue operations at {{company_name}}.',
      }),
      step(3, 'HEYREACH', 'MANUAL_TEMPLATE', 3, {
        linkedin_action_type: 'MESSAGE',
        linkedin_message_text: 'Thanks for connecting, {{first_name}}. Curious how you forecast today?',
      }),
      email(4, 'MANUAL_TEMPLATE', 2, {
        subject: 'Following up from LinkedIn',
        body: 'Hi {{first_name}}, following up on my LinkedIn note with a 2-minute video of the forecast view.',
      }),
    ],
  },
  {
    name: '2023 holiday promo',
    status: 'completed',
    archived: true,
    description: 'Old seasonal promotion, kept for reporting.',
    listIndex: null,
    daysAgo: 300,
    steps: [
      email(1, 'MANUAL_TEMPLATE', 0, {
        subject: 'Holiday pricing ends Friday',
        body: 'Hi {{first_name}}, last call.',
      }),
    ],
  },
];

function channelsFor(bp: Blueprint, mailboxes: readonly MailboxRow[], dice: Dice): NewChannel[] {
  const channels: NewChannel[] = mailboxes.slice(0, bp.kind === 'nurture' ? 1 : 2).map((m) => ({
    channel_id: m.id,
    channel_value: m.email,
    channel_type: mailboxChannelType(m),
    channel_data: {},
  }));
  if (bp.linkedin) {
    channels.push({
      channel_id: 90_001,
      channel_value: '48211937',
      channel_type: 'LINKEDIN',
      channel_data: { provider: 'heyreach' },
    });
  }
  if (bp.phone) {
    channels.push({
      channel_id: 70_001,
      channel_value: '+14155550142',
      channel_type: 'PHONE',
      channel_data: {},
    });
  }
  if (bp.sms) {
    channels.push({
      channel_id: 70_002,
      channel_value: `+1415555${dice.int(1000, 9999)}`,
      channel_type: 'SMS',
      channel_data: {},
    });
  }
  return channels;
}

/** Sends decay step by step; opens, clicks and replies are plausible fractions of delivered. */
function statsFor(dice: Dice, status: string, stepIndex: number, type: string) {
  if (status === 'drafted' || status === 'scheduling')
    return { sent: 0, opened: 0, clicked: 0, replied: 0, bounced: 0 };
  const sent = Math.max(0, Math.round(dice.int(180, 260) * 0.82 ** stepIndex));
  const bounced = type === 'EMAIL' ? Math.round(sent * dice.int(1, 4) * 0.01) : 0;
  const delivered = sent - bounced;
  const opened = type === 'EMAIL' ? Math.round(delivered * dice.int(38, 62) * 0.01) : 0;
  return {
    sent,
    bounced,
    opened,
    clicked: Math.round(opened * dice.int(5, 15) * 0.01),
    replied: Math.round(delivered * dice.int(2, 8) * 0.01),
  };
}

function seedDaily(db: Db, sequenceId: string, startMs: number, days: number, dice: Dice): void {
  const insert = db.prepare(
    'INSERT INTO seq_daily (sequence_id, day, sent, opened, replied) VALUES (?, ?, ?, ?, ?)',
  );
  for (let d = 0; d < days; d++) {
    const sent = dice.int(8, 40);
    insert.run(
      sequenceId,
      iso(startMs + d * DAY_MS).slice(0, 10),
      sent,
      Math.round(sent * 0.5),
      dice.int(0, 3),
    );
  }
}

export function seedSequences(db: Db, seed: SeedContext): void {
  const dice = new Dice(seed.rng);
  const ids = seedIds(dice);
  const members = orgMembers(db, seed.orgId);
  const owner = members[0]?.email ?? 'owner@example.com';
  const lists = orgLists(db, seed.orgId);
  const mailboxes = activeMailboxes(db, seed.orgId);
  for (const bp of BLUEPRINTS) {
    const createdMs = seed.now - bp.daysAgo * DAY_MS;
    const list = bp.listIndex === null ? undefined : lists[bp.listIndex % Math.max(lists.length, 1)];
    const total = list?.member_count ?? dice.int(20, 60);
    const running = bp.status === 'live' || bp.status === 'paused';
    const completed = bp.status === 'completed' ? total : running ? Math.floor(total / 3) : 0;
    const stopped = running || bp.status === 'completed' ? Math.floor(total / 10) : 0;
    const id = insertSequence(db, ids, {
      orgId: seed.orgId,
      name: bp.name,
      ownerEmail: members[BLUEPRINTS.indexOf(bp) % Math.max(members.length, 1)]?.email ?? owner,
      status: bp.status,
      description: bp.description,
      kind: bp.kind ?? 'cold_outbound',
      pinnedMailboxId: bp.kind === 'nurture' ? (mailboxes[0]?.id ?? null) : null,
      sendInSameThread: bp.sameThread ?? false,
      associatedListId: list?.id ?? null,
      isArchived: bp.archived ?? false,
      contacts: { active: running ? Math.max(0, total - completed - stopped) : 0, completed, stopped },
      steps: bp.steps.map((s, i) => ({ ...s, stats: statsFor(dice, bp.status, i, s.step_type) })),
      channels: channelsFor(bp, mailboxes, dice),
      createdAt: iso(createdMs),
    });
    if (bp.status !== 'drafted' && bp.status !== 'scheduling') {
      seedDaily(db, id, createdMs + DAY_MS, Math.min(bp.daysAgo - 1, 14), dice);
      db.prepare('INSERT INTO seq_events (sequence_id, at, event) VALUES (?, ?, ?)').run(
        id,
        iso(createdMs + DAY_MS),
        'launched',
      );
    }
    if (bp.status === 'paused') {
      db.prepare('INSERT INTO seq_events (sequence_id, at, event) VALUES (?, ?, ?)').run(
        id,
        iso(seed.now - 2 * DAY_MS),
        'paused',
      );
    }
  }
  const otherOwner = orgMembers(db, seed.otherOrgId)[0]?.email ?? 'owner@other.example';
  const otherMailbox = activeMailboxes(db, seed.otherOrgId)[0];
  insertSequence(db, ids, {
    orgId: seed.otherOrgId,
    name: 'Other org outbound',
    ownerEmail: otherOwner,
    status: 'live',
    contacts: { active: 12, completed: 3, stopped: 1 },
    steps: [email(1, 'MANUAL_TEMPLATE', 0, { subject: 'Hello {{first_name}}', body: 'A short note.' })],
    channels: otherMailbox
      ? [
          {
            channel_id: otherMailbox.id,
            channel_value: otherMailbox.email,
            channel_type: mailboxChannelType(otherMailbox),
            channel_data: {},
          },
        ]
      : [],
    createdAt: iso(seed.now - 5 * DAY_MS),
  });
}
