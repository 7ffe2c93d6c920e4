/**
 * Step and channel vocabulary (§2.2.1): the enums, their case-insensitive aliases, and the
 * semantic checks on step_data that make a config "invalid" (400) rather than malformed (422).
 */
import { z } from 'zod';

export const STEP_TYPES = [
  'EMAIL',
  'PHONE',
  'SMS',
  'WHATSAPP',
  'HEYREACH',
  'MANUAL_DIALER',
  'UNIPILE',
] as const;
export type StepType = (typeof STEP_TYPES)[number];

export const INPUT_TYPES = ['ON_DEMAND', 'MANUAL_TEMPLATE', 'AI_GENERATED_TEMPLATE'] as const;
export type InputType = (typeof INPUT_TYPES)[number];

export const CHANNEL_TYPES = ['SMTP', 'GMAIL', 'INBOXKIT', 'PHONE', 'LINKEDIN', 'SMS', 'WHATSAPP'] as const;
export type ChannelType = (typeof CHANNEL_TYPES)[number];

export const EMAIL_CHANNELS: ReadonlySet<string> = new Set(['SMTP', 'GMAIL', 'INBOXKIT']);
export const LINKEDIN_STEPS: ReadonlySet<string> = new Set(['HEYREACH', 'UNIPILE']);

const LINKEDIN_ACTIONS = ['CONNECTION_REQUEST', 'MESSAGE', 'INMAIL', 'FOLLOW', 'VIEW_PROFILE', 'LIKE_POST'];

const STEP_ALIASES: Readonly<Record<string, StepType>> = {
  email: 'EMAIL',
  phone: 'PHONE',
  call: 'PHONE',
  sms: 'SMS',
  whatsapp: 'WHATSAPP',
  heyreach: 'HEYREACH',
  linkedin: 'HEYREACH',
  manual_dialer: 'MANUAL_DIALER',
  dialer: 'MANUAL_DIALER',
  unipile: 'UNIPILE',
};

const INPUT_ALIASES: Readonly<Record<string, InputType>> = {
  on_demand: 'ON_DEMAND',
  ondemand: 'ON_DEMAND',
  manual_template: 'MANUAL_TEMPLATE',
  template: 'MANUAL_TEMPLATE',
  manual: 'MANUAL_TEMPLATE',
  ai_generated_template: 'AI_GENERATED_TEMPLATE',
  ai_generated: 'AI_GENERATED_TEMPLATE',
  ai_template: 'AI_GENERATED_TEMPLATE',
  ai: 'AI_GENERATED_TEMPLATE',
};

function aliasKey(text: string): string {
  return text
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, '_');
}

/** An enum read case-insensitively with aliases; a miss is a 422 that lists the canonical values. */
function aliasedEnum<T extends string>(values: readonly T[], aliases: Readonly<Record<string, T>>) {
  return z.string().transform((text, ctx): T => {
    const value = aliases[aliasKey(text)];
    if (value === undefined) {
      ctx.addIssue({ code: 'custom', message: `Input should be one of ${values.join(', ')}` });
      return z.NEVER;
    }
    return value;
  });
}

export const stepTypeSchema = aliasedEnum(STEP_TYPES, STEP_ALIASES);
export const inputTypeSchema = aliasedEnum(INPUT_TYPES, INPUT_ALIASES);

const jsonObject = () => z.record(z.string(), z.unknown());

export const stepInput = z.object({
  step_order: z.number().int().min(1),
  step_type: stepTypeSchema,
  input_type: inputTypeSchema.default('ON_DEMAND'),
  time_interval: z.number().int().min(0).default(0),
  step_data: jsonObject().default({}),
});
export type StepInput = z.infer<typeof stepInput>;

export const channelInput = z.object({
  channel_id: z.number().int(),
  channel_value: z.string().trim().min(1),
  channel_type: z.enum(CHANNEL_TYPES),
  channel_data: jsonObject().default({}),
});
export type ChannelInput = z.infer<typeof channelInput>;

function isStr(v: unknown): boolean {
  return v === undefined || typeof v === 'string';
}

/**
 * Why a step's data cannot be used, or null. Unknown keys are ignored (the contract says so);
 * only keys the step type reads are checked.
 */
export function stepDataProblem(type: string, data: Record<string, unknown>): string | null {
  if (type === 'EMAIL') {
    if (!isStr(data.subject) || !isStr(data.body) || !isStr(data.instructions)) {
      return 'EMAIL step_data subject, body and instructions must be strings';
    }
    if (data.email_type !== undefined && data.email_type !== 'plain' && data.email_type !== 'html') {
      return 'EMAIL step_data email_type must be plain or html';
    }
  }
  if (LINKEDIN_STEPS.has(type)) {
    const action = data.linkedin_action_type;
    if (typeof action !== 'string' || !LINKEDIN_ACTIONS.includes(action)) {
      return `LinkedIn step_data needs linkedin_action_type, one of ${LINKEDIN_ACTIONS.join(', ')}`;
    }
    const reaction = data.linkedin_like_reaction_type;
    if (
      reaction !== undefined &&
      !(Number.isInteger(reaction) && (reaction as number) >= 0 && (reaction as number) <= 5)
    ) {
      return 'linkedin_like_reaction_type must be an integer 0..5';
    }
  }
  if (type === 'SMS' || type === 'WHATSAPP') {
    if (!isStr(data.message_body)) return `${type} step_data message_body must be a string`;
    if (data.media_urls !== undefined && !Array.isArray(data.media_urls)) return 'media_urls must be a list';
  }
  if (type === 'PHONE' || type === 'MANUAL_DIALER') {
    if (data.dial_dnc !== undefined && typeof data.dial_dnc !== 'boolean')
      return 'dial_dnc must be a boolean';
    if (data.phone_options !== undefined && !Array.isArray(data.phone_options))
      return 'phone_options must be a list';
  }
  return null;
}

/** The channel type a step needs in order to send. */
export function channelFamily(stepType: string): string {
  if (stepType === 'EMAIL') return 'email';
  if (LINKEDIN_STEPS.has(stepType)) return 'linkedin';
  if (stepType === 'SMS') return 'sms';
  if (stepType === 'WHATSAPP') return 'whatsapp';
  return 'phone';
}
