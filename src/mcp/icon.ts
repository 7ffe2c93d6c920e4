/**
 * The server's icon (MCP `icons` on serverInfo): a small SVG inlined as a data URI, so clients
 * show it without fetching anything from the network.
 */
import type { Icon } from '@modelcontextprotocol/server';

const SVG =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64"><rect width="64" height="64" rx="14" fill="#1b1f3b"/><text x="32" y="43" font-family="Arial,Helvetica,sans-serif" font-size="30" font-weight="700" text-anchor="middle" fill="#7cf5c4">g8</text></svg>';

export const SERVER_ICONS: Icon[] = [
  {
    src: `data:image/svg+xml;base64,${Buffer.from(SVG).toString('base64')}`,
    mimeType: 'image/svg+xml',
    sizes: ['any'],
  },
];
