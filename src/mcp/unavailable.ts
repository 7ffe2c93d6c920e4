/**
 * A tools/call for a name this connection does not expose. Rather than a bare "Unknown tool",
 * the model learns why the tool is not here (another mode, the tool selection, read-only) and
 * the one change that reaches it, as a tool error it can read and act on.
 */
import type { CallToolResult } from '@modelcontextprotocol/server';
import { cleanText } from '../api/errors.js';
import { type Catalogue, MODES, type Selection, toolsForMode } from '../catalogue/select.js';
import type { Mode } from '../catalogue/types.js';
import { toolErrorResult } from './result.js';

/** Who made this connection read-only: a server setting, the /mcp URL, or the OAuth grant. */
export type ReadOnlyBy = 'setting' | 'url' | 'token';

export interface Exposure {
  readonly face: 'stdio' | 'remote';
  readonly selection: Selection;
  readonly readOnlyBy?: ReadOnlyBy | undefined;
  readonly discovery?: boolean | undefined;
}

export type UnavailableTool = (name: string) => CallToolResult;

const READ_ONLY_REACH: Record<ReadOnlyBy, Record<Exposure['face'], string>> = {
  setting: {
    stdio: 'remove G8_READ_ONLY (or --read-only) from the MCP client config of this server and restart it.',
    remote:
      'ask the operator of this server to turn G8_READ_ONLY off, or connect with `read_only=0` on the /mcp URL.',
  },
  url: {
    stdio: 'remove G8_READ_ONLY from the MCP client config and restart it.',
    remote: 'connect to the /mcp URL without `read_only=1`.',
  },
  token: {
    stdio: 'remove G8_READ_ONLY from the MCP client config and restart it.',
    remote: 'sign in again and grant the `graph8:write` scope (the current grant allows reads only).',
  },
};

export function unavailableTools(catalogue: Catalogue, exposure: Exposure): UnavailableTool {
  const { face, selection } = exposure;
  const inMode = (mode: Mode) => toolsForMode(catalogue, mode);
  return (asked) => {
    // The name is the client's text: shown capped and without control characters.
    const name = cleanText(asked).slice(0, 100);
    const here = inMode(selection.mode).find((t) => t.name === name);
    if (here) {
      const toolset = here.spec.toolset;
      const picked =
        (!selection.toolsets?.length && !selection.tools?.length) ||
        selection.toolsets?.includes(toolset) ||
        selection.tools?.includes(name);
      if (picked && selection.readOnly) {
        const reach = READ_ONLY_REACH[exposure.readOnlyBy ?? 'setting'][face];
        return toolErrorResult('read_only', `${name} is not available: this connection is read-only.`, {
          values: { tool: name, reach },
        });
      }
      const reach =
        face === 'stdio'
          ? `add \`${toolset}\` to G8_TOOLSETS (or \`${name}\` to G8_TOOLS) in the MCP client config and restart it.`
          : `connect with \`toolsets=${toolset}\` (or \`tools=${name}\`) on the /mcp URL.`;
      return toolErrorResult(
        'tool_not_selected',
        `${name} is not in the tool selection of this connection.`,
        {
          values: { tool: name, toolset, reach },
        },
      );
    }
    const mode = MODES.find((m) => m !== selection.mode && inMode(m).some((t) => t.name === name));
    if (mode) {
      const reach =
        face === 'stdio'
          ? `set G8_MCP_MODE=${mode} in the MCP client config and restart it.`
          : `connect with \`mode=${mode}\` on the /mcp URL.`;
      return toolErrorResult('tool_not_in_mode', `${name} is not served in ${selection.mode} mode.`, {
        values: { tool: name, mode, reach },
      });
    }
    const lookup = exposure.discovery
      ? 'call `g8_tool_search` with a few words to find the right one.'
      : 'pick a name from tools/list (`g8_whoami` also names the tools this key cannot use).';
    return toolErrorResult('unknown_tool', `Unknown tool: ${name}`, { values: { tool: name, lookup } });
  };
}
