/**
 * A tool result carries its data twice: as `structuredContent` and as that object's JSON in the
 * text content. Serialising the answer to a tools/call would turn the object into JSON a second
 * time — the biggest single piece of CPU on remote mode's hot path after the syscalls. The result
 * builders (result.ts) remember the JSON they made for each structuredContent object, and
 * messageJson splices it in: the same text JSON.stringify would produce, made once.
 */
const known = new WeakMap<object, string>();

/** Records that `text` is JSON.stringify(structured); returns `text`. */
export function rememberJson(structured: object, text: string): string {
  known.set(structured, text);
  return text;
}

type Splice = (key: string) => string | undefined;

/** JSON.stringify of a plain object, with some keys' JSON given. */
function objectJson(obj: Record<string, unknown>, given: Splice): string {
  let out = '';
  for (const key of Object.keys(obj)) {
    const json = given(key) ?? (JSON.stringify(obj[key]) as string | undefined);
    // As JSON.stringify: keys whose value has no JSON (undefined, functions) are left out.
    if (json === undefined) continue;
    out += `${out ? ',' : ''}${JSON.stringify(key)}:${json}`;
  }
  return `{${out}}`;
}

/** JSON.stringify(message), reusing the remembered JSON of a result's structuredContent. */
export function messageJson(message: object): string {
  const result = (message as { result?: unknown }).result;
  const structured =
    typeof result === 'object' && result !== null
      ? (result as { structuredContent?: unknown }).structuredContent
      : undefined;
  const text = typeof structured === 'object' && structured !== null ? known.get(structured) : undefined;
  if (text === undefined) return JSON.stringify(message);
  const resultJson = objectJson(result as Record<string, unknown>, (k) =>
    k === 'structuredContent' ? text : undefined,
  );
  return objectJson(message as Record<string, unknown>, (k) => (k === 'result' ? resultJson : undefined));
}
