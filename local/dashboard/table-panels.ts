import type { JsonRow, QueryEngine } from '../../functions/query/engine';
import { runNamedQuery } from '../../functions/query/queries';
import type { ValidationThresholds } from '../../functions/query/sql';

export interface TablePanels {
  /** Epoch ms when these results were read. */
  at: number;
  durationMs: number;
  summary: JsonRow[];
  latestCritical: JsonRow[];
}

export interface TablePanelsAnswer {
  panels: TablePanels | null;
  error: string | null;
}

/**
 * The table's panels through the query function's engine (DuckDB locally, Athena deployed):
 * the alert summary and the latest CRITICAL alerts. Results are kept for `maxAgeMs` and
 * concurrent requests share one run, so many open pages cost one query per interval (Athena
 * bills per query and bytes scanned).
 */
export class TablePanelSource {
  private last: TablePanels | null = null;
  private lastError: string | null = null;
  private inFlight: Promise<void> | undefined;

  constructor(
    private readonly engine: QueryEngine,
    private readonly thresholds: ValidationThresholds,
    private readonly maxAgeMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** The latest results, refreshed first when older than the interval (or `fresh`). */
  async read(options: { fresh?: boolean } = {}): Promise<TablePanelsAnswer> {
    const stale = this.last === null || this.now() - this.last.at >= this.maxAgeMs;
    if (options.fresh || stale || this.lastError !== null) await this.refresh();
    return { panels: this.last, error: this.lastError };
  }

  private refresh(): Promise<void> {
    this.inFlight ??= (async () => {
      const began = this.now();
      try {
        const summary = await runNamedQuery(this.engine, 'alert-summary', this.thresholds);
        const latest = await runNamedQuery(this.engine, 'latest-critical', this.thresholds);
        this.last = {
          at: this.now(),
          durationMs: this.now() - began,
          summary: summary.rows,
          latestCritical: latest.rows,
        };
        this.lastError = null;
      } catch (error) {
        this.lastError = (error as Error).message;
      }
    })().finally(() => {
      this.inFlight = undefined;
    });
    return this.inFlight;
  }
}
