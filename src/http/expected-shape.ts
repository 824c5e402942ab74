/**
 * What a failing field should look like, for validation messages: the shape the schema expects and,
 * when the schema's examples have a short value at that place, that value ("e.g. ["B0MP6NVW98"]").
 * Works on plain JSON Schema (TypeBox schemas are JSON Schema).
 */
type Schema = Record<string, unknown>;

const MAX_EXAMPLE_CHARS = 120;

const isObject = (value: unknown): value is Schema => typeof value === 'object' && value !== null && !Array.isArray(value);

/** The sub-schema at a data path (property names and array indexes), through unions' first matching branch. */
export function schemaAt(schema: unknown, path: string[]): Schema | undefined {
  let current: unknown = schema;
  for (const segment of path) {
    if (!isObject(current)) return undefined;
    const branches = (current.anyOf ?? current.oneOf) as unknown[] | undefined;
    if (branches) {
      const next = branches.map((branch) => schemaAt(branch, [segment])).find((found) => found !== undefined);
      if (!next) return undefined;
      current = next;
      continue;
    }
    const properties = current.properties as Schema | undefined;
    if (properties && segment in properties) current = properties[segment];
    else if (/^\d+$/.test(segment) && current.items !== undefined) current = current.items;
    else if (isObject(current.additionalProperties)) current = current.additionalProperties;
    else return undefined;
  }
  return isObject(current) ? current : undefined;
}

/** The value at `path` in the first example that has one. */
function exampleAt(examples: unknown, path: string[]): unknown {
  if (!Array.isArray(examples)) return undefined;
  for (const example of examples) {
    let current: unknown = example;
    for (const segment of path) {
      const key = /^\d+$/.test(segment) && Array.isArray(current) ? 0 : segment;
      current = isObject(current) || Array.isArray(current) ? (current as Record<string | number, unknown>)[key] : undefined;
    }
    if (current !== undefined) return current;
  }
  return undefined;
}

function typeName(schema: Schema): string | undefined {
  if (schema.const !== undefined) return JSON.stringify(schema.const);
  if (Array.isArray(schema.enum)) return `one of ${schema.enum.map((v) => JSON.stringify(v)).join(', ')}`;
  const branches = (schema.anyOf ?? schema.oneOf) as Schema[] | undefined;
  if (branches) return branches.map(typeName).filter(Boolean).join(' or ');
  switch (schema.type) {
    case 'array': {
      const itemType = isObject(schema.items) ? schema.items.type : undefined;
      return typeof itemType === 'string' ? `an array of ${itemType === 'object' ? 'objects' : `${itemType}s`}` : 'an array';
    }
    case 'object':
      return 'an object';
    case 'string':
      return typeof schema.pattern === 'string' ? `a string matching ${schema.pattern}` : 'a string';
    case 'integer':
      return 'an integer';
    case 'number':
      return 'a number';
    case 'boolean':
      return 'true or false';
    default:
      return undefined;
  }
}

/**
 * " (expected an array of strings, e.g. ["B0MP6NVW98"])" for the field at `path` of `root`, or ''.
 * The example comes from the schema's own examples (the params examples that work in the sandbox).
 */
export function expectedShape(root: unknown, path: string[]): string {
  const schema = schemaAt(root, path);
  if (!schema) return '';
  const shape = typeName(schema);
  const example = exampleAt(isObject(root) ? root.examples : undefined, path);
  const exampleText = example === undefined ? undefined : JSON.stringify(example);
  const eg = exampleText && exampleText.length <= MAX_EXAMPLE_CHARS ? `e.g. ${exampleText}` : undefined;
  const parts = [shape ? `expected ${shape}` : undefined, eg].filter(Boolean);
  return parts.length > 0 ? ` (${parts.join(', ')})` : '';
}

/** The field names an object schema at `path` knows, for "is not a known field" messages. */
export function knownFields(root: unknown, path: string[]): string[] {
  const properties = schemaAt(root, path)?.properties;
  return isObject(properties) ? Object.keys(properties) : [];
}
