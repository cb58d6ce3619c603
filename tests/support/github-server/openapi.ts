// Checks the local server's REST bodies against GitHub's published OpenAPI
// description (@octokit/openapi), so the fixtures cannot drift from the real
// API. A small validator for the JSON-schema subset GitHub's description uses.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

type Schema = {
  $ref?: string;
  type?: string | string[];
  nullable?: boolean;
  enum?: unknown[];
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  additionalProperties?: boolean | Schema;
  allOf?: Schema[];
  anyOf?: Schema[];
  oneOf?: Schema[];
  format?: string;
};

interface Description {
  paths: Record<
    string,
    Record<string, { responses: Record<string, { content?: Record<string, { schema: Schema }> }> }>
  >;
  components: { schemas: Record<string, Schema> };
}

let loaded: Description | null = null;

function description(): Description {
  if (!loaded) {
    const require = createRequire(import.meta.url);
    const file = require.resolve('@octokit/openapi/generated/api.github.com.json');
    loaded = JSON.parse(readFileSync(file, 'utf8')) as Description;
  }
  return loaded;
}

/** The response schema of `method path-template` for `status`, as GitHub publishes it. */
export function responseSchema(method: string, template: string, status = 200): Schema {
  const op = description().paths[template]?.[method.toLowerCase()];
  const schema = op?.responses[String(status)]?.content?.['application/json']?.schema;
  if (!schema) throw new Error(`no published schema for ${method} ${template} ${status}`);
  return schema;
}

/** Every way `value` breaks `schema` (empty when it conforms), with JSON paths. */
export function validate(value: unknown, schema: Schema, path = '$', out: string[] = []): string[] {
  if (out.length > 20) return out;
  if (schema.$ref) {
    const name = schema.$ref.replace('#/components/schemas/', '');
    const target = description().components.schemas[name];
    if (!target) {
      out.push(`${path}: unknown $ref ${schema.$ref}`);
      return out;
    }
    return validate(value, target, path, out);
  }
  if (value === null) {
    const types = Array.isArray(schema.type) ? schema.type : schema.type ? [schema.type] : [];
    if (schema.nullable || types.includes('null')) return out;
    if (!schema.type && !schema.allOf && !schema.anyOf && !schema.oneOf) return out;
    if (schema.anyOf?.some((s) => validate(null, s, path).length === 0)) return out;
    if (schema.oneOf?.some((s) => validate(null, s, path).length === 0)) return out;
    if (schema.allOf?.every((s) => validate(null, s, path).length === 0)) return out;
    out.push(`${path}: null is not allowed`);
    return out;
  }
  if (schema.allOf) for (const part of schema.allOf) validate(value, part, path, out);
  if (schema.anyOf && !schema.anyOf.some((s) => validate(value, s, path).length === 0)) {
    out.push(`${path}: matches none of anyOf`);
  }
  if (schema.oneOf && !schema.oneOf.some((s) => validate(value, s, path).length === 0)) {
    out.push(`${path}: matches none of oneOf`);
  }
  if (schema.enum && !schema.enum.includes(value)) {
    out.push(`${path}: ${JSON.stringify(value)} is not one of ${JSON.stringify(schema.enum)}`);
  }
  const types = Array.isArray(schema.type) ? schema.type : schema.type ? [schema.type] : [];
  if (types.length && !types.some((t) => hasType(value, t))) {
    out.push(`${path}: expected ${types.join('|')}, got ${JSON.stringify(value)?.slice(0, 60)}`);
    return out;
  }
  if (schema.format === 'date-time' && typeof value === 'string' && Number.isNaN(Date.parse(value))) {
    out.push(`${path}: not a date-time: ${value}`);
  }
  if (Array.isArray(value) && schema.items) {
    value.forEach((item, i) => {
      validate(item, schema.items!, `${path}[${i}]`, out);
    });
  }
  if (typeof value === 'object' && !Array.isArray(value)) {
    const record = value as Record<string, unknown>;
    for (const key of schema.required ?? []) {
      if (!(key in record)) out.push(`${path}: missing required ${key}`);
    }
    for (const [key, child] of Object.entries(record)) {
      const sub = schema.properties?.[key];
      if (sub) validate(child, sub, `${path}.${key}`, out);
      else if (schema.additionalProperties === false) out.push(`${path}: unexpected property ${key}`);
      else if (typeof schema.additionalProperties === 'object') {
        validate(child, schema.additionalProperties, `${path}.${key}`, out);
      }
    }
  }
  return out;
}

function hasType(value: unknown, type: string): boolean {
  switch (type) {
    case 'integer':
      return typeof value === 'number' && Number.isInteger(value);
    case 'number':
      return typeof value === 'number';
    case 'array':
      return Array.isArray(value);
    case 'object':
      return typeof value === 'object' && value !== null && !Array.isArray(value);
    case 'null':
      return value === null;
    default:
      return typeof value === type;
  }
}
