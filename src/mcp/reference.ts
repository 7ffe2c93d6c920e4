/**
 * Reference text a tool description points to instead of carrying it: every tool list costs the
 * model context on every turn, a resource only when it is read.
 */

/** Contract §2.2.1: the step_data keys by step_type (unknown keys are ignored by graph8). */
export const STEP_DATA_REFERENCE = `# Sequence step_data keys

Used by g8_create_sequence (steps[].step_data) and g8_update_sequence_step (step_data, which
replaces the stored object). Keys not in the tool schema go in \`extra_json\` as a JSON object
string, or as plain keys. graph8 ignores keys it does not know.

| step_type | keys |
|---|---|
| EMAIL | \`subject\`, \`body\` (\`{{merge_tokens}}\` and spintax), \`instructions\` (AI inputs), \`email_type\`: plain (default) or html |
| HEYREACH (LinkedIn) | \`linkedin_action_type\` (required): CONNECTION_REQUEST, MESSAGE, INMAIL, FOLLOW, VIEW_PROFILE, LIKE_POST |
| | CONNECTION_REQUEST: \`linkedin_connection_message\`, \`linkedin_connection_fallback\`, \`linkedin_connection_withdraw_days\` (default 25) |
| | MESSAGE: \`linkedin_message_text\`; INMAIL: \`linkedin_inmail_subject\`, \`linkedin_inmail_body\` |
| | LIKE_POST: \`linkedin_like_reaction_type\` 0-5 (default 1), \`linkedin_like_react_before_days\` (default 3) |
| | AI copy: \`linkedin_input_mode\`: instructions or manual, \`linkedin_instructions\` |
| PHONE, MANUAL_DIALER | \`dial_dnc\` (boolean, default false), \`phone_options\` (list, e.g. mobile, direct) |
| SMS, WHATSAPP | \`message_body\`, \`media_urls\` (list), \`whatsapp_template_sid\`, \`whatsapp_template_variables\` (object) |

Spintax such as \`{Hi|Hello}\` in an ON_DEMAND email step is refused (422); g8_get_sequence_preview
shows how each step renders.
`;
