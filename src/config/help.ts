/** `g8-mcp-server --help` and `sandbox --help`, from the settings table. */
import { MODES, TOOLSETS } from '../catalogue/select.js';
import { VERSION } from '../platform/version.js';
import { rowsOf } from './parse.js';
import type { Face } from './settings.js';

function table(faces: readonly Face[]): string {
  const rows = rowsOf(faces).map(([, r]) => r);
  const envWidth = Math.max(...rows.map((r) => r.env?.length ?? 0));
  const flagWidth = Math.max(...rows.map((r) => r.flag?.length ?? 0));
  return rows
    .map(
      (r) =>
        `  ${(r.env ?? '').padEnd(envWidth)}  ${(r.flag ?? '').padEnd(flagWidth)}  ${r.help} [${r.shown}]`,
    )
    .join('\n');
}

export function helpText(): string {
  return `g8-mcp-server ${VERSION} — the graph8 tool catalogue for AI assistants (MCP)

Usage:
  g8-mcp-server [options]             serve MCP over stdio (Claude Desktop, Cursor, Claude Code)
  g8-mcp-server --http [--port 8080] [--public-url https://…]
                                      serve MCP over Streamable HTTP with OAuth sign-in (remote URL)
  g8-mcp-server sandbox [--port 8808] [--db PATH] [--print-key]
                                      run the local graph8-compatible sandbox API
  g8-mcp-server demo [--port 8808] [--db PATH]
                                      sandbox + connection instructions (what npm start runs)
  g8-mcp-server migrate-state [--data-dir .data]
                                      copy remote mode's sign-ins from SQLite into G8_DATABASE_URL
  g8-mcp-server --help | --version

Modes (G8_MCP_MODE / --mode): ${MODES.join(', ')}
  dev  shared tools + repo scan/install, repo campaigns and knowledge base
  gtm  shared tools + campaigns, copy, launch and knowledge base
  all  everything; GTM tools whose names collide are exposed as g8_gtm_*

Toolsets (G8_TOOLSETS / --toolsets): ${TOOLSETS.join(', ')}

Settings (environment, flag, meaning [default]); flags beat the environment:
${table(['stdio', 'remote', 'cli'])}

Sandbox and demo settings (g8-mcp-server sandbox|demo):
${table(['sandbox'])}
`;
}

export function sandboxHelpText(): string {
  return `Usage: g8-mcp-server sandbox [options]

Starts a local graph8-compatible REST API backed by SQLite, seeded with a demo org.

Settings (environment, flag, meaning [default]):
${table(['sandbox'])}
`;
}
