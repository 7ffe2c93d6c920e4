import { newRequestId } from '../util/ids.js';

/** 1–128 printable ASCII characters (§1.2 chosen): anything else is replaced, never echoed. */
const CLIENT_ID_RE = /^[\x20-\x7e]{1,128}$/;

export function requestIdFor(header: string | string[] | undefined): string {
  const value = Array.isArray(header) ? header[0] : header;
  return value !== undefined && CLIENT_ID_RE.test(value) && value.trim() !== '' ? value : newRequestId();
}
