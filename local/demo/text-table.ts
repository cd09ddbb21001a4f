export type Cell = string | number | boolean | null | undefined;

/**
 * Renders rows as an aligned text table. Numbers align right; the header order is the given
 * column order, or the first row's keys.
 */
export function textTable(
  rows: readonly Record<string, Cell>[],
  columns?: readonly string[],
  options: { fixed?: Record<string, number> } = {},
): string {
  const names = columns ?? Object.keys(rows[0] ?? {});
  if (names.length === 0) {
    return '(no columns)';
  }
  const cells = rows.map((row) => names.map((name) => render(row[name], options.fixed?.[name])));
  const numeric = names.map(
    (name) => rows.length > 0 && rows.every((row) => isNumberish(row[name])),
  );
  const widths = names.map((name, i) =>
    Math.max(name.length, ...cells.map((line) => (line[i] ?? '').length)),
  );
  const pad = (text: string, i: number) =>
    numeric[i] ? text.padStart(widths[i] ?? 0) : text.padEnd(widths[i] ?? 0);
  const line = (values: string[]) =>
    values
      .map((value, i) => pad(value, i))
      .join('  ')
      .trimEnd();
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  const body = cells.length > 0 ? cells.map(line) : ['(no rows)'];
  return [line([...names]), rule, ...body].join('\n');
}

function render(value: Cell, decimals: number | undefined): string {
  if (value === null || value === undefined) {
    return '';
  }
  if (typeof value === 'number' && decimals !== undefined) {
    return value.toFixed(decimals);
  }
  return String(value);
}

function isNumberish(value: Cell): boolean {
  return typeof value === 'number' || value === null || value === undefined;
}
