/**
 * Conversation scripts for the inbox seed: who says what, in which order, and which state and
 * tags the thread ends in. Written as plain functions of the people involved so the seed reads as
 * a list of believable threads rather than string plumbing.
 */

export interface People {
  first: string;
  company: string;
  sender: string;
}

export interface Line {
  /** us = a graph8 user (USER), ai = graph8 AI reply (AI), them = the contact (OTHER). */
  who: 'us' | 'ai' | 'them';
  text: string;
  /** Minutes after the previous line. */
  after: number;
}

export interface Script {
  subject: (p: People) => string;
  lines: (p: People) => Line[];
  status: 'open' | 'responded' | 'ai_responded';
  tags: readonly string[];
}

const opener = (p: People): Line => ({
  who: 'us',
  after: 0,
  text: `Hi ${p.first},\n\nMost sales leaders at companies like ${p.company} forecast off a spreadsheet. We give them a live, deal-by-deal read on pipeline risk.\n\nWorth 15 minutes next week?\n\n${p.sender}`,
});

const QUESTIONNAIRE = [
  'Before we go further our security team needs answers to the questions below. Please reply inline.',
  ...[
    'Where is customer data hosted (region and provider), and can we pin it to the EU?',
    'Do you hold SOC 2 Type II and ISO 27001? Please share the latest report under NDA.',
    'How is CRM data ingested: OAuth app, API key, or a service account? Which scopes do you request?',
    'What is your data retention policy after contract termination, and how is deletion evidenced?',
    'Do you use sub-processors? Please list them with their purpose and location.',
    'How do you handle SSO (SAML/OIDC) and SCIM provisioning? Is SSO included in the base plan?',
    'Describe encryption at rest and in transit, including key management and rotation.',
    'What is your incident response SLA and how are customers notified of a breach?',
    'Is AI used on our data? If so, is it used to train models shared with other customers?',
    'Can we run a penetration test against a sandbox tenant before signing?',
    'What uptime SLA do you commit to contractually, and what are the service credits?',
    'Please confirm you can sign our DPA and the EU Standard Contractual Clauses.',
  ].map(
    (q, i) =>
      `${i + 1}. ${q} We ask every vendor that touches revenue data for this in writing, with links to the supporting documentation where possible, so that procurement can file it with the vendor assessment.`,
  ),
  'Thanks in advance. Once this is cleared we can schedule a technical deep dive with our RevOps lead.',
].join('\n\n');

export const EMAIL_SCRIPTS: readonly Script[] = [
  {
    subject: (p) => `Quick question for ${p.company}`,
    lines: (p) => [
      opener(p),
      {
        who: 'them',
        after: 190,
        text: `Hi ${p.sender}, this is timely. What does pricing look like for a team of about 40 reps?`,
      },
    ],
    status: 'open',
    tags: ['Interested'],
  },
  {
    subject: (p) => `An idea for ${p.company}`,
    lines: (p) => [
      opener(p),
      { who: 'them', after: 600, text: 'Sure, Thursday at 2pm ET works for a call.' },
      { who: 'us', after: 35, text: `Great, ${p.first}. Invite sent for Thursday 2pm ET. Talk then!` },
    ],
    status: 'responded',
    tags: ['Meeting booked', 'Interested'],
  },
  {
    subject: (p) => `Quick question for ${p.company}`,
    lines: (p) => [
      opener(p),
      {
        who: 'them',
        after: 1,
        text: `I am out of the office until Monday with limited access to email. For urgent matters contact sales-ops@${p.company.toLowerCase().replace(/[^a-z0-9]+/g, '')}.com.`,
      },
    ],
    status: 'open',
    tags: ['Out of office'],
  },
  {
    subject: (p) => `An idea for ${p.company}`,
    lines: (p) => [
      opener(p),
      { who: 'them', after: 1440, text: 'Not a priority this quarter. Circle back in Q1?' },
      {
        who: 'ai',
        after: 4,
        text: `Thanks ${p.first}, will do. I have made a note to reach out in early Q1.`,
      },
    ],
    status: 'ai_responded',
    tags: ['Not now'],
  },
  {
    subject: (p) => `Quick question for ${p.company}`,
    lines: (p) => [
      opener(p),
      {
        who: 'them',
        after: 300,
        text: 'I am not the right person for this. Talk to my colleague Dana Whitfield, she runs RevOps.',
      },
      { who: 'us', after: 60, text: `Thank you ${p.first}, I will reach out to Dana.` },
    ],
    status: 'responded',
    tags: ['Referral'],
  },
  {
    subject: (p) => `An idea for ${p.company}`,
    lines: (p) => [opener(p), { who: 'them', after: 45, text: 'Please remove me from your list.' }],
    status: 'open',
    tags: ['Unsubscribe'],
  },
  {
    subject: (p) => `Security review: ${p.company} x vendor questionnaire`,
    lines: (p) => [opener(p), { who: 'them', after: 2880, text: `Hi ${p.sender},\n\n${QUESTIONNAIRE}` }],
    status: 'open',
    tags: ['Interested'],
  },
  {
    subject: (p) => `Quick question for ${p.company}`,
    lines: (p) => [
      opener(p),
      { who: 'them', after: 720, text: 'We already use Clari for forecasting. How are you different?' },
      {
        who: 'ai',
        after: 3,
        text: `Good question, ${p.first}. Many teams keep Clari for roll-ups and use us for deal-level risk signals from email and calls. Happy to show both side by side.`,
      },
    ],
    status: 'ai_responded',
    tags: [],
  },
];

export const SMS_SCRIPTS: readonly Script[] = [
  {
    subject: () => 'SMS',
    lines: (p) => [
      {
        who: 'us',
        after: 0,
        text: `Hi ${p.first}, ${p.sender} here. Did the webinar recording come through OK?`,
      },
      { who: 'them', after: 20, text: 'Yes thanks! Can you send me the slides too?' },
    ],
    status: 'open',
    tags: ['Interested'],
  },
  {
    subject: () => 'SMS',
    lines: (p) => [
      {
        who: 'us',
        after: 0,
        text: `Hi ${p.first}, ${p.sender} here. Did the webinar recording come through OK?`,
      },
      { who: 'them', after: 5, text: 'Who is this?' },
      {
        who: 'us',
        after: 10,
        text: `${p.sender} from the forecasting webinar you signed up for. Sorry for the surprise!`,
      },
    ],
    status: 'responded',
    tags: [],
  },
  {
    subject: () => 'SMS',
    lines: (p) => [
      { who: 'us', after: 0, text: `Hi ${p.first}, quick reminder: your trial ends Friday.` },
      { who: 'them', after: 2, text: 'STOP' },
    ],
    status: 'open',
    tags: ['Unsubscribe'],
  },
];

export const LINKEDIN_SCRIPTS: readonly Script[] = [
  {
    subject: () => 'LinkedIn conversation',
    lines: (p) => [
      {
        who: 'us',
        after: 0,
        text: `Thanks for connecting, ${p.first}. Curious how ${p.company} forecasts today?`,
      },
      { who: 'them', after: 240, text: 'Mostly spreadsheets plus a weekly call. Happy to chat next week.' },
    ],
    status: 'open',
    tags: ['Interested'],
  },
  {
    subject: () => 'LinkedIn conversation',
    lines: (p) => [
      { who: 'us', after: 0, text: `Hi ${p.first}, congrats on the new role at ${p.company}!` },
      {
        who: 'them',
        after: 100,
        text: 'Thanks! Not the right person for sales tooling though, try our CRO.',
      },
      { who: 'ai', after: 2, text: 'Appreciate it! I will reach out to your CRO.' },
    ],
    status: 'ai_responded',
    tags: ['Referral'],
  },
];
