import { StartupError } from '../platform/errors.js';
/**
 * Start-up failures of the shared engines (a bad URL, an engine that does not answer): one line
 * naming the engine and where it was looked for, never the URL's credentials.
 */
export class EngineUnavailableError extends StartupError {}

/** `postgres://db.internal:5432/g8`: the URL without user, password or query. */
export function whereIs(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname === '/' ? '' : u.pathname}`;
  } catch {
    return '(an unparsable URL)';
  }
}

/** A driver's message, with the URL's password cut out should the driver ever quote it. */
export function cleanMessage(error: unknown, url: string): string {
  let text = (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? '';
  let password = '';
  try {
    password = decodeURIComponent(new URL(url).password);
  } catch {}
  if (password) text = text.split(password).join('***');
  if (text.includes(url)) text = text.split(url).join(whereIs(url));
  return text || 'no answer';
}
