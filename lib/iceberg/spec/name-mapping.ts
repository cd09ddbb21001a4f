import { ValidationError } from '../errors';

/** One entry of `schema.name-mapping.default` (spec Appendix C). */
export interface MappedField {
  'field-id'?: number;
  names: string[];
  fields?: MappedField[];
}

export type NameMapping = MappedField[];

/** Parses the table property; undefined when the table has none. */
export function parseNameMapping(text: string | undefined): NameMapping | undefined {
  if (text === undefined) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    throw new ValidationError('table property schema.name-mapping.default is not JSON', { cause });
  }
  if (!Array.isArray(json)) {
    throw new ValidationError('table property schema.name-mapping.default is not a JSON list');
  }
  return json as NameMapping;
}

/** Top-level column names a mapping gives field ids for (several names may share one id). */
export function mappedIds(mapping: NameMapping): Map<string, number> {
  const out = new Map<string, number>();
  for (const field of mapping) {
    if (field['field-id'] === undefined) continue;
    for (const name of field.names ?? []) out.set(name, field['field-id']);
  }
  return out;
}
