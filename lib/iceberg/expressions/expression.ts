import { ValidationError } from '../errors';
import type { PrimitiveType, Schema, Value } from '../spec/schema';

type Comparison = 'lt' | 'ltEq' | 'gt' | 'gtEq' | 'eq' | 'notEq';
type SetTest = 'in' | 'notIn';
type Unary = 'isNull' | 'notNull' | 'isNaN' | 'notNaN';

/** A row filter over columns by name, as Iceberg's expressions: unbound until planned. */
export type Expression =
  | { op: 'true' | 'false' }
  | { op: 'and' | 'or'; args: Expression[] }
  | { op: 'not'; arg: Expression }
  | { op: Comparison; column: string; value: Literal }
  | { op: SetTest; column: string; values: Literal[] }
  | { op: Unary; column: string };

/** Literal values: timestamps as bigint microseconds or Date, dates as day numbers, longs as bigint or number. */
export type Literal = Value | Date;

export const alwaysTrue = (): Expression => ({ op: 'true' });
export const alwaysFalse = (): Expression => ({ op: 'false' });
export const and = (...args: Expression[]): Expression => ({ op: 'and', args });
export const or = (...args: Expression[]): Expression => ({ op: 'or', args });
export const not = (arg: Expression): Expression => ({ op: 'not', arg });
export const equal = (column: string, value: Literal): Expression => ({ op: 'eq', column, value });
export const notEqual = (column: string, value: Literal): Expression => ({
  op: 'notEq',
  column,
  value,
});
export const lessThan = (column: string, value: Literal): Expression => ({
  op: 'lt',
  column,
  value,
});
export const lessThanOrEqual = (column: string, value: Literal): Expression => ({
  op: 'ltEq',
  column,
  value,
});
export const greaterThan = (column: string, value: Literal): Expression => ({
  op: 'gt',
  column,
  value,
});
export const greaterThanOrEqual = (column: string, value: Literal): Expression => ({
  op: 'gtEq',
  column,
  value,
});
export const isIn = (column: string, values: Literal[]): Expression => ({
  op: 'in',
  column,
  values,
});
export const isNull = (column: string): Expression => ({ op: 'isNull', column });
export const notNull = (column: string): Expression => ({ op: 'notNull', column });
/** `low <= column <= high`, e.g. one source partition's offsets or one day's readings. */
export const between = (column: string, low: Literal, high: Literal): Expression =>
  and(greaterThanOrEqual(column, low), lessThanOrEqual(column, high));

export interface BoundRef {
  id: number;
  name: string;
  type: PrimitiveType;
}

/** An expression bound to a schema: columns resolved to field ids, literals to the column type, `not` pushed down. */
export type Bound =
  | { op: 'true' | 'false' }
  | { op: 'and' | 'or'; args: Bound[] }
  | { op: Comparison; ref: BoundRef; value: Value }
  | { op: SetTest; ref: BoundRef; values: Value[] }
  | { op: Unary; ref: BoundRef };

const NEGATE: Record<Comparison | SetTest | Unary, Comparison | SetTest | Unary> = {
  lt: 'gtEq',
  ltEq: 'gt',
  gt: 'ltEq',
  gtEq: 'lt',
  eq: 'notEq',
  notEq: 'eq',
  in: 'notIn',
  notIn: 'in',
  isNull: 'notNull',
  notNull: 'isNull',
  isNaN: 'notNaN',
  notNaN: 'isNaN',
};

function coerce(ref: BoundRef, literal: Literal): Value {
  const fail = () =>
    new ValidationError(
      `filter value ${String(literal)} does not fit column ${ref.name} (${ref.type})`,
    );
  if (literal === null) throw new ValidationError(`compare ${ref.name} to null with isNull`);
  switch (ref.type) {
    case 'int':
    case 'date': {
      const n = typeof literal === 'bigint' ? Number(literal) : literal;
      if (typeof n !== 'number' || !Number.isInteger(n)) throw fail();
      return n;
    }
    case 'long':
      if (typeof literal === 'bigint') return literal;
      if (typeof literal === 'number' && Number.isSafeInteger(literal)) return BigInt(literal);
      throw fail();
    case 'timestamp':
    case 'timestamptz':
      if (literal instanceof Date) return BigInt(literal.getTime()) * 1000n;
      if (typeof literal === 'bigint') return literal;
      if (typeof literal === 'number' && Number.isSafeInteger(literal)) return BigInt(literal);
      throw fail();
    case 'float':
    case 'double':
      if (typeof literal === 'number' && !Number.isNaN(literal)) return literal;
      throw fail();
    case 'boolean':
      if (typeof literal === 'boolean') return literal;
      throw fail();
    case 'string':
    case 'binary':
      if (typeof literal === 'string') return literal;
      throw fail();
  }
}

/** Resolves columns by name against `schema` and pushes every `not` down to the predicates. */
export function bind(expression: Expression, schema: Schema, negate = false): Bound {
  switch (expression.op) {
    case 'true':
    case 'false': {
      const value = expression.op === 'true';
      return { op: value !== negate ? 'true' : 'false' };
    }
    case 'not':
      return bind(expression.arg, schema, !negate);
    case 'and':
    case 'or': {
      const op = (expression.op === 'and') !== negate ? 'and' : 'or';
      return { op, args: expression.args.map((arg) => bind(arg, schema, negate)) };
    }
    default: {
      const field = schema.fields.find((f) => f.name === expression.column);
      if (!field)
        throw new ValidationError(`filter names no column of the table: ${expression.column}`);
      const ref: BoundRef = { id: field.id, name: field.name, type: field.type };
      const op = negate ? NEGATE[expression.op] : expression.op;
      if ('value' in expression) {
        return { op: op as Comparison, ref, value: coerce(ref, expression.value) };
      }
      if ('values' in expression) {
        return { op: op as SetTest, ref, values: expression.values.map((v) => coerce(ref, v)) };
      }
      return { op: op as Unary, ref };
    }
  }
}
