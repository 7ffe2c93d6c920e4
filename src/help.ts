import { MODES, TOOLSETS } from './catalogue/select.js';
import { SETTINGS } from './config.js';
import { VERSION } from './version.js';

export function helpText(): string {
  const rows = SETTINGS.map(
    (s) => `  ${s.env.padEnd(16)} ${(s.flag ?? '').padEnd(14)} ${s.help} [${s.default}]`,
  );
  return `g8-mcp-server ${VERSION} — the graph8 tool catalogue for AI assistants (MCP)

Usage:
  g8-mcp-server [options]             serve MCP over stdio (Claude Desktop, Cursor, Claude Code)
  g8-mcp-server --http [--port 8080] [--public-url https://…]
                                      serve MCP over Streamable HTTP with OAuth sign-in (remote URL)
  g8-mcp-server sandbox [--port 8808] [--db PATH] [--print-key]
                                      run the local graph8-compatible sandbox API
  g8-mcp-server demo                  sandbox + connection instructions (what npm start runs)
  g8-mcp-server migrate-state [--data-dir .data]
                                      copy remote mode's sign-ins from SQLite into G8_DATABASE_URL
  g8-mcp-server --help | --version

Modes (G8_MCP_MODE / --mode): ${MODES.join(', ')}
  dev  shared tools + repo scan/install, repo campaigns and knowledge base
  gtm  shared tools + campaigns, copy, launch and knowledge base
  all  everything; GTM tools whose names collide are exposed as g8_gtm_*

Toolsets (G8_TOOLSETS / --toolsets): ${TOOLSETS.join(', ')}

Settings (environment, flag, meaning [default]):
${rows.join('\n')}
`;
}
