/**
 * The written rules of the tool-schema subsets two major clients accept, as checks. Each returns
 * the problems it finds (path + rule), so a failing test names every offending node at once.
 *
 * Gemini function calling (a subset of OpenAPI 3.0's Schema object; the function declaration docs
 * of the Gemini API):
 *  G1 a function name starts with a letter or underscore, then letters, digits, `_ . -`; ≤ 64 chars.
 *  G2 every node uses only: type, format, title, description, nullable, enum, items, properties,
 *     required, minItems, maxItems, minProperties, maxProperties, minimum, maximum, minLength,
 *     maxLength, pattern, default, example, propertyOrdering. So no $ref/$defs, const, anyOf/oneOf/
 *     allOf/not, additionalProperties, propertyNames, exclusiveMinimum/Maximum, $schema.
 *  G3 `type` is one of string, number, integer, boolean, array, object (a single name, no arrays).
 *  G4 `format`: on strings only `enum` or `date-time`; integers int32/int64; numbers float/double.
 *  G5 an object has a non-empty `properties` map ("properties: should be non-empty for OBJECT type").
 *  G6 an array has `items`.
 *  G7 `required` lists only names in `properties`.
 *  G8 `enum` is a list of strings, on a string node.
 *
 * OpenAI function calling, non-strict (the function-calling guide and the API's tool validation):
 *  O1 a function name matches ^[a-zA-Z0-9_-]{1,64}$.
 *  O2 the description is at most 1,024 characters.
 *  O3 `parameters` is a JSON Schema object: `type: "object"` at the top, with no anyOf/oneOf/allOf/
 *     not/enum at the top level.
 *  O4 every array has `items` ("array schema missing items").
 *  O5 every `type` is a JSON Schema type name (or a list of them).
 */

export interface ToolLike {
  readonly name: string;
  readonly description?: string | undefined;
  readonly inputSchema: Record<string, unknown>;
}

type Node = Record<string, unknown>;

const GEMINI_KEYS = new Set([
  'type',
  'format',
  'title',
  'description',
  'nullable',
  'enum',
  'items',
  'properties',
  'required',
  'minItems',
  'maxItems',
  'minProperties',
  'maxProperties',
  'minimum',
  'maximum',
  'minLength',
  'maxLength',
  'pattern',
  'default',
  'example',
  'propertyOrdering',
]);
const GEMINI_TYPES = new Set(['string', 'number', 'integer', 'boolean', 'array', 'object']);
const GEMINI_FORMATS: Readonly<Record<string, readonly string[]>> = {
  string: ['enum', 'date-time'],
  integer: ['int32', 'int64'],
  number: ['float', 'double'],
};
const JSON_TYPES = new Set([...GEMINI_TYPES, 'null']);

const isNode = (v: unknown): v is Node => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Every schema node below `root` (itself included), with its path. */
function* nodes(root: Node, path = '$'): Generator<[string, Node]> {
  yield [path, root];
  const props = root.properties;
  if (isNode(props)) {
    for (const [name, child] of Object.entries(props)) {
      if (isNode(child)) yield* nodes(child, `${path}.${name}`);
    }
  }
  if (isNode(root.items)) yield* nodes(root.items, `${path}[]`);
  for (const key of ['anyOf', 'oneOf', 'allOf'] as const) {
    const list = root[key];
    if (Array.isArray(list)) {
      for (const [i, child] of list.entries()) if (isNode(child)) yield* nodes(child, `${path}.${key}[${i}]`);
    }
  }
}

export function geminiProblems(tool: ToolLike): string[] {
  const out: string[] = [];
  if (!/^[A-Za-z_][A-Za-z0-9_.-]{0,63}$/.test(tool.name)) out.push(`G1 ${tool.name}: name`);
  for (const [path, node] of nodes(tool.inputSchema)) {
    const at = `${tool.name} ${path}`;
    for (const key of Object.keys(node)) if (!GEMINI_KEYS.has(key)) out.push(`G2 ${at}: keyword ${key}`);
    const type = node.type;
    if (typeof type !== 'string' || !GEMINI_TYPES.has(type)) {
      out.push(`G3 ${at}: type ${JSON.stringify(type)}`);
      continue;
    }
    if (node.format !== undefined && !(GEMINI_FORMATS[type] ?? []).includes(String(node.format))) {
      out.push(`G4 ${at}: format ${String(node.format)} on ${type}`);
    }
    if (type === 'object' && !(isNode(node.properties) && Object.keys(node.properties).length > 0)) {
      out.push(`G5 ${at}: object without properties`);
    }
    if (type === 'array' && !isNode(node.items)) out.push(`G6 ${at}: array without items`);
    if (node.required !== undefined) {
      const names = isNode(node.properties) ? Object.keys(node.properties) : [];
      const required = Array.isArray(node.required) ? node.required : [node.required];
      for (const r of required) if (!names.includes(String(r))) out.push(`G7 ${at}: required ${String(r)}`);
    }
    if (node.enum !== undefined) {
      const ok =
        type === 'string' && Array.isArray(node.enum) && node.enum.every((v) => typeof v === 'string');
      if (!ok) out.push(`G8 ${at}: enum must be strings on a string`);
    }
  }
  return out;
}

export function openAiProblems(tool: ToolLike): string[] {
  const out: string[] = [];
  if (!/^[a-zA-Z0-9_-]{1,64}$/.test(tool.name)) out.push(`O1 ${tool.name}: name`);
  if ((tool.description ?? '').length > 1024) out.push(`O2 ${tool.name}: description over 1024 characters`);
  const top = tool.inputSchema;
  if (top.type !== 'object') out.push(`O3 ${tool.name}: top-level type ${String(top.type)}`);
  for (const key of ['anyOf', 'oneOf', 'allOf', 'not', 'enum']) {
    if (key in top) out.push(`O3 ${tool.name}: top-level ${key}`);
  }
  for (const [path, node] of nodes(top)) {
    const at = `${tool.name} ${path}`;
    const types = Array.isArray(node.type) ? node.type : [node.type];
    if (node.type !== undefined && !types.every((t) => JSON_TYPES.has(String(t)))) {
      out.push(`O5 ${at}: type ${JSON.stringify(node.type)}`);
    }
    if (types.includes('array') && !isNode(node.items)) out.push(`O4 ${at}: array without items`);
  }
  return out;
}
