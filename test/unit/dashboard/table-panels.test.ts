import { describe, expect, it } from 'vitest';
import type { JsonRow, QueryEngine } from '../../../functions/query/engine';
import { TablePanelSource } from '../../../local/dashboard/table-panels';

function countingEngine(answer: () => JsonRow[]): QueryEngine & { runs: string[] } {
  const runs: string[] = [];
  return {
    tableRef: '"demo"."t"',
    runs,
    run: async (sql: string) => {
      runs.push(sql);
      return answer();
    },
  };
}

const thresholds = { alertThreshold: 80, criticalThreshold: 90 };

describe('TablePanelSource', () => {
  it('queries once per interval however many requests come', async () => {
    // Arrange
    let now = 0;
    const engine = countingEngine(() => [{ alert_type: 'CRITICAL', alert_count: 3 }]);
    const source = new TablePanelSource(engine, thresholds, 1_000, () => now);

    // Act
    const answers = await Promise.all([source.read(), source.read(), source.read()]);
    now = 500;
    await source.read();
    now = 1_000;
    const later = await source.read();

    // Assess: two rounds of the two queries (summary, latest CRITICAL)
    expect(engine.runs).toHaveLength(4);
    expect(engine.runs[0]).toContain('GROUP BY alert_type');
    expect(engine.runs[1]).toContain("WHERE alert_type = 'CRITICAL'");
    expect(answers[0]!.panels?.summary).toEqual([{ alert_type: 'CRITICAL', alert_count: 3 }]);
    expect(later.panels?.at).toBe(1_000);
    expect(later.error).toBeNull();
  });

  it('reports a failing query, keeps the last results, and tries again on the next read', async () => {
    // Arrange
    let fail = false;
    const engine = countingEngine(() => {
      if (fail) throw new Error('table gone');
      return [];
    });
    const source = new TablePanelSource(engine, thresholds, 60_000);
    const first = await source.read();

    // Act
    fail = true;
    const failed = await source.read({ fresh: true });
    fail = false;
    const recovered = await source.read();

    // Assess
    expect(failed.error).toBe('table gone');
    expect(failed.panels).toEqual(first.panels);
    expect(recovered.error).toBeNull();
    expect(engine.runs).toHaveLength(5);
  });
});
