/**
 * Tools about the catalogue rather than graph8 data: g8_whoami (who the key is and what it cannot
 * call), g8_tool_search (progressive discovery) and g8_call (run an enabled tool by name, for
 * tools found by g8_tool_search, which tools/list does not show).
 */
import type { ToolDefinition } from '../catalogue/definition.js';

export const WHOAMI = 'g8_whoami';
export const TOOL_SEARCH = 'g8_tool_search';
export const CALL = 'g8_call';

export const whoamiDefinition: ToolDefinition = {
  name: WHOAMI,
  title: 'Who am I',
  description:
    'The org, key mode and scopes of the credential in use, and each tool hidden because the key lacks its scope (with the scope it needs). Free; call it when a tool seems missing.',
  // A property, even optional: Gemini refuses an object schema without any.
  inputSchema: {
    type: 'object',
    properties: {
      tool: { type: 'string', description: 'Also check this tool name' },
    },
  },
  annotations: { readOnlyHint: true, openWorldHint: false },
};

export const toolSearchDefinition: ToolDefinition = {
  name: TOOL_SEARCH,
  title: 'Find tools',
  description:
    'Find more graph8 tools by what you want to do (e.g. "push audience to linkedin"). Returns the matches with their input schemas; run them with g8_call.',
  inputSchema: {
    type: 'object',
    properties: {
      query: {
        type: 'string',
        minLength: 1,
        maxLength: 200,
        description: 'What you want to do, in a few words',
      },
      limit: {
        type: 'integer',
        minimum: 1,
        maximum: 10,
        default: 5,
        description: 'How many tools to return',
      },
    },
    required: ['query'],
  },
  annotations: { readOnlyHint: true, openWorldHint: false },
};

export const callDefinition: ToolDefinition = {
  name: CALL,
  title: 'Call a tool by name',
  description:
    'Run any graph8 tool by name (find it with g8_tool_search), with the same validation, scope checks and confirmation as calling it directly.',
  inputSchema: {
    type: 'object',
    properties: {
      name: { type: 'string', description: 'Tool name, e.g. g8_trigger_audience_sync' },
      // A JSON string: Gemini refuses an object schema without properties, and these vary by tool.
      // An object is accepted as well (tool-host.ts), since most clients send one.
      arguments: {
        type: 'string',
        description:
          'The tool arguments as a JSON object string, per its input schema, e.g. {"contact_id": 101}',
      },
    },
    required: ['name'],
  },
  annotations: { openWorldHint: true },
};
