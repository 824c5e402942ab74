/**
 * Holds a raw SP-API answer to what Amazon's JavaScript SDK declares for it. The SDK's model classes
 * are generated from Amazon's models (OpenAPI Generator) and carry no validator: constructFromObject
 * copies whatever it is given. So this reads what each generated class declares, from its code:
 * - required properties: the constructor's parameters;
 * - property types: the `ApiClient.convertToType(data.x, T)` and `Model.constructFromObject(data.x)`
 *   lines of constructFromObject ('String', 'Number', 'Boolean', 'Date', Object, [T], {String: T}, Model);
 * - enums: the class's `<Property>Enum` objects, and enum models (`Object.assign(function () {}, {A: 'A', …})`).
 * A value is wrong when a required property is missing, a type or enum does not match, a date is not
 * ISO 8601, a value is null, or a property is one the model does not declare.
 */
type TypeSpec = { kind: 'String' | 'Number' | 'Boolean' | 'Date' | 'Object' } | { kind: 'array'; of: TypeSpec } | { kind: 'map'; of: TypeSpec } | { kind: 'model'; name: string };

type Shape = { kind: 'enum'; values: string[] } | { kind: 'class'; required: string[]; properties: Map<string, TypeSpec>; enums: Map<string, string[]> };

const ISO_8601 = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

const sourceOf = (fn: unknown): string => Function.prototype.toString.call(fn);

function parseType(text: string): TypeSpec {
  const t = text.trim();
  const primitive = /^'(String|Number|Boolean|Date|Object)'$/.exec(t)?.[1] ?? (t === 'Object' ? 'Object' : undefined);
  if (primitive) return { kind: primitive as 'String' | 'Number' | 'Boolean' | 'Date' | 'Object' };
  const array = /^\[(.+)\]$/.exec(t);
  if (array) return { kind: 'array', of: parseType(array[1]!) };
  const map = /^\{\s*'?String'?\s*:\s*(.+?)\s*\}$/.exec(t);
  if (map) return { kind: 'map', of: parseType(map[1]!) };
  if (/^[A-Z]\w*$/.test(t)) return { kind: 'model', name: t };
  throw new Error(`sdk-models: a type the SDK's generated code writes as ${t} is not understood`);
}

export class SdkModels {
  private readonly shapes = new Map<string, Shape>();

  /** `module` is one of the SDK's API modules (e.g. ReportsSpApi): its models by name. */
  constructor(
    private readonly module: Readonly<Record<string, unknown>>,
    private readonly label: string,
  ) {}

  /** The model the SDK deserialises an operation's success into: `const returnType = X` in `<operation>WithHttpInfo`. */
  returnTypeOf(api: object, operation: string): string | null {
    const method = (api as Record<string, unknown>)[`${operation}WithHttpInfo`];
    const declared = /const returnType = (\w+)/.exec(sourceOf(method))?.[1];
    if (!declared) throw new Error(`${this.label}: ${operation}WithHttpInfo declares no returnType`);
    return declared === 'null' ? null : declared;
  }

  /** The generated class (or enum object) of that name. */
  modelClass(name: string): unknown {
    const found = this.module[name];
    if (typeof found !== 'function') throw new Error(`${this.label}: the SDK has no model ${name}`);
    return found;
  }

  private shape(name: string): Shape {
    const cached = this.shapes.get(name);
    if (cached) return cached;
    const model = this.modelClass(name) as Record<string, unknown>;
    const source = sourceOf(model);
    let shape: Shape;
    if (!source.startsWith('class')) {
      const values = Object.values(model).filter((v): v is string => typeof v === 'string');
      if (values.length === 0) throw new Error(`${this.label}: ${name} is neither a model class nor an enum`);
      shape = { kind: 'enum', values };
    } else {
      const params = /constructor\s*\(([^)]*)\)/.exec(source)?.[1] ?? '';
      const required = params.split(',').map((p) => p.trim()).filter(Boolean);
      const properties = new Map<string, TypeSpec>();
      const build = sourceOf(model.constructFromObject);
      for (const line of build.matchAll(/if \(data\.hasOwnProperty\('([^']+)'\)\) \{ obj\.[\w$]+ = (.+) \}\s*$/gm)) {
        const [, property, expression] = line as unknown as [string, string, string];
        const nested = /^(\w+)\.constructFromObject\(data\.[\w$]+\)$/.exec(expression);
        const converted = /^ApiClient\.convertToType\(data\.[\w$]+, (.+)\)$/.exec(expression);
        if (nested) properties.set(property, { kind: 'model', name: nested[1]! });
        else if (converted) properties.set(property, parseType(converted[1]!));
        else throw new Error(`${this.label}: ${name}.${property} is built as ${expression}, not understood`);
      }
      for (const p of required) if (!properties.has(p)) throw new Error(`${this.label}: ${name} requires ${p} but does not build it`);
      const enums = new Map<string, string[]>();
      for (const [key, value] of Object.entries(model)) {
        const stem = /^(\w+)Enum$/.exec(key)?.[1];
        if (!stem || typeof value !== 'object' || value === null) continue;
        const property = [...properties.keys()].find((p) => p.toLowerCase() === stem.toLowerCase());
        if (!property) throw new Error(`${this.label}: ${name}.${key} names no property`);
        enums.set(property, Object.values(value).filter((v): v is string => typeof v === 'string'));
      }
      shape = { kind: 'class', required, properties, enums };
    }
    this.shapes.set(name, shape);
    return shape;
  }

  /** Every way `value` departs from model `name`, each as "path: problem"; [] when it conforms. */
  problems(name: string, value: unknown): string[] {
    const found: string[] = [];
    this.walk({ kind: 'model', name }, value, name, found);
    return found;
  }

  private walk(type: TypeSpec, value: unknown, at: string, found: string[], allowed?: string[]): void {
    if (value === null) {
      found.push(`${at}: null`);
      return;
    }
    switch (type.kind) {
      case 'String':
        if (typeof value !== 'string') found.push(`${at}: ${JSON.stringify(value)} is not a string`);
        else if (allowed && !allowed.includes(value)) found.push(`${at}: ${JSON.stringify(value)} is not one of ${allowed.join(', ')}`);
        return;
      case 'Number':
        if (typeof value !== 'number' || !Number.isFinite(value)) found.push(`${at}: ${JSON.stringify(value)} is not a number`);
        return;
      case 'Boolean':
        if (typeof value !== 'boolean') found.push(`${at}: ${JSON.stringify(value)} is not a boolean`);
        return;
      case 'Date':
        if (typeof value !== 'string' || !ISO_8601.test(value) || Number.isNaN(Date.parse(value))) found.push(`${at}: ${JSON.stringify(value)} is not an ISO 8601 date`);
        return;
      case 'Object':
        return;
      case 'array':
        if (!Array.isArray(value)) found.push(`${at}: not an array`);
        else value.forEach((item, i) => this.walk(type.of, item, `${at}[${i}]`, found, allowed));
        return;
      case 'map':
        if (typeof value !== 'object' || Array.isArray(value)) found.push(`${at}: not an object`);
        else for (const [key, item] of Object.entries(value)) this.walk(type.of, item, `${at}.${key}`, found);
        return;
      case 'model': {
        const shape = this.shape(type.name);
        if (shape.kind === 'enum') {
          if (typeof value !== 'string' || !shape.values.includes(value)) found.push(`${at}: ${JSON.stringify(value)} is not one of ${type.name} (${shape.values.join(', ')})`);
          return;
        }
        if (typeof value !== 'object' || Array.isArray(value)) {
          found.push(`${at}: not an object (${type.name})`);
          return;
        }
        const record = value as Record<string, unknown>;
        for (const property of shape.required) if (record[property] === undefined) found.push(`${at}.${property}: required by ${type.name}, missing`);
        for (const [property, item] of Object.entries(record)) {
          const declared = shape.properties.get(property);
          if (!declared) found.push(`${at}.${property}: not declared by ${type.name}`);
          else this.walk(declared, item, `${at}.${property}`, found, shape.enums.get(property));
        }
      }
    }
  }
}
