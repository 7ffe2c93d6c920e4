// The resolve hook behind module-log.mjs (runs on the loader thread).
import { appendFileSync } from 'node:fs';

let file;
let hide;

export function initialize(data) {
  file = data.file;
  hide = data.hide;
}

export async function resolve(specifier, context, next) {
  if (hide && specifier.startsWith(hide)) {
    const error = new Error(`Cannot find package '${specifier}' (hidden by the test)`);
    error.code = 'ERR_MODULE_NOT_FOUND';
    throw error;
  }
  const resolved = await next(specifier, context);
  appendFileSync(file, `${resolved.url}\n`);
  return resolved;
}
