/** Avro attribute holding a field's Iceberg name when the Avro name had to be changed. */
export const ICEBERG_FIELD_NAME = 'iceberg-field-name';

const isLetter = (c: string) => /\p{L}/u.test(c);
const isDigit = (c: string) => /\p{Nd}/u.test(c);

/**
 * Avro names start with a letter or `_` and go on with letters, digits and `_`. A name that does
 * not is rewritten as Iceberg Java's AvroSchemaUtil.makeCompatibleName does: a leading digit gets
 * a `_` in front, any other invalid character becomes `_x` and its UTF-16 code in upper-case hex.
 * Writers keep the original under ICEBERG_FIELD_NAME; readers match fields by field id anyway.
 */
export function avroCompatibleName(name: string): string {
  let out = '';
  for (let i = 0; i < name.length; i++) {
    const c = name[i]!;
    const valid = c === '_' || isLetter(c) || (i > 0 && isDigit(c));
    if (valid) out += c;
    else if (isDigit(c)) out += `_${c}`;
    else out += `_x${c.charCodeAt(0).toString(16).toUpperCase()}`;
  }
  return out;
}

/** The Avro field for an Iceberg field name, keeping the original name when it changed. */
export function avroField(name: string): { name: string; [ICEBERG_FIELD_NAME]?: string } {
  const compatible = avroCompatibleName(name);
  return compatible === name ? { name } : { name: compatible, [ICEBERG_FIELD_NAME]: name };
}

const AVSC_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * avsc accepts only ASCII names, where Avro Java (and so Iceberg Java) accepts any letter. Names
 * only label fields in the binary encoding, so the codec is built with ASCII stand-ins while the
 * file header keeps the names as written.
 */
export function avscName(name: string): string {
  if (AVSC_NAME.test(name)) return name;
  let out = '';
  for (let i = 0; i < name.length; i++) {
    const c = name[i]!;
    if (/[A-Za-z_]/.test(c) || (i > 0 && /[0-9]/.test(c))) out += c;
    else out += `_x${c.charCodeAt(0).toString(16).toUpperCase()}`;
  }
  return out;
}

/** A deep copy of an Avro schema with every record field named as avsc accepts it. */
export function avscSchema(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(avscSchema);
  if (schema === null || typeof schema !== 'object') return schema;
  const node = schema as Record<string, unknown>;
  const out: Record<string, unknown> = { ...node };
  if (node.type === 'record' && Array.isArray(node.fields)) {
    out.fields = (node.fields as Record<string, unknown>[]).map((field) => ({
      ...field,
      name: avscName(String(field.name)),
      type: avscSchema(field.type),
    }));
  }
  if (node.items !== undefined) out.items = avscSchema(node.items);
  if (node.values !== undefined) out.values = avscSchema(node.values);
  if (typeof node.type === 'object') out.type = avscSchema(node.type);
  return out;
}
