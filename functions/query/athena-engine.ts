import {
  type Row as AthenaRow,
  type ColumnInfo,
  GetQueryExecutionCommand,
  type GetQueryExecutionCommandOutput,
  GetQueryResultsCommand,
  type GetQueryResultsCommandOutput,
  StartQueryExecutionCommand,
  type StartQueryExecutionCommandOutput,
} from '@aws-sdk/client-athena';
import type { JsonRow, JsonValue, QueryEngine } from './engine';
import { AthenaQueryError } from './errors';
import { athenaTimestampToIso, bigintToNumber } from './values';

/** The part of `AthenaClient` the engine uses, so tests can pass a fake one. */
export interface AthenaSdkClient {
  send(command: StartQueryExecutionCommand): Promise<StartQueryExecutionCommandOutput>;
  send(command: GetQueryExecutionCommand): Promise<GetQueryExecutionCommandOutput>;
  send(command: GetQueryResultsCommand): Promise<GetQueryResultsCommandOutput>;
}

export interface AthenaEngineOptions {
  client: AthenaSdkClient;
  workgroup: string;
  database: string;
  catalog: string;
  /** The alerts table's name inside `database`. */
  table: string;
  /** First poll delay; doubles up to `pollMaxMs`. */
  pollInitialMs?: number;
  pollMaxMs?: number;
  /** Overall limit for one query from start to the last result page. */
  timeoutMs?: number;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export class AthenaQueryEngine implements QueryEngine {
  readonly tableRef: string;
  private readonly options: Required<AthenaEngineOptions>;

  constructor(options: AthenaEngineOptions) {
    this.options = {
      pollInitialMs: 200,
      pollMaxMs: 2_000,
      timeoutMs: 120_000,
      sleep: defaultSleep,
      now: Date.now,
      ...options,
    };
    this.tableRef = `"${options.database}"."${options.table}"`;
  }

  async run(sql: string): Promise<JsonRow[]> {
    const deadline = this.options.now() + this.options.timeoutMs;
    const id = await this.start(sql);
    await this.waitForSuccess(id, deadline);
    return this.readResults(id);
  }

  private async start(sql: string): Promise<string> {
    const { client, workgroup, database, catalog } = this.options;
    const output = await client.send(
      new StartQueryExecutionCommand({
        QueryString: sql,
        WorkGroup: workgroup,
        QueryExecutionContext: { Database: database, Catalog: catalog },
      }),
    );
    if (!output.QueryExecutionId) {
      throw new AthenaQueryError('Athena returned no query execution id', undefined, undefined);
    }
    return output.QueryExecutionId;
  }

  private async waitForSuccess(id: string, deadline: number): Promise<void> {
    const { client, sleep, now, pollMaxMs } = this.options;
    let delay = this.options.pollInitialMs;
    for (;;) {
      const output = await client.send(new GetQueryExecutionCommand({ QueryExecutionId: id }));
      const status = output.QueryExecution?.Status;
      const state = status?.State;
      if (state === 'SUCCEEDED') {
        return;
      }
      if (state === 'FAILED' || state === 'CANCELLED') {
        const reason =
          status?.StateChangeReason ?? status?.AthenaError?.ErrorMessage ?? 'no reason given';
        throw new AthenaQueryError(`Athena query ${id} ${state}: ${reason}`, id, state);
      }
      const remaining = deadline - now();
      if (remaining <= 0) {
        throw new AthenaQueryError(
          `Athena query ${id} still ${state ?? 'in an unknown state'} after ${this.options.timeoutMs} ms`,
          id,
          state,
        );
      }
      await sleep(Math.min(delay, remaining));
      delay = Math.min(delay * 2, pollMaxMs);
    }
  }

  private async readResults(id: string): Promise<JsonRow[]> {
    const rows: JsonRow[] = [];
    let columns: ColumnInfo[] | undefined;
    let nextToken: string | undefined;
    let firstPage = true;
    do {
      const page = await this.options.client.send(
        new GetQueryResultsCommand({ QueryExecutionId: id, NextToken: nextToken }),
      );
      columns ??= page.ResultSet?.ResultSetMetadata?.ColumnInfo ?? [];
      const pageRows = page.ResultSet?.Rows ?? [];
      // A SELECT's first result row repeats the column names.
      for (const row of firstPage ? pageRows.slice(1) : pageRows) {
        rows.push(toJsonRow(row, columns));
      }
      firstPage = false;
      nextToken = page.NextToken;
    } while (nextToken);
    return rows;
  }
}

function toJsonRow(row: AthenaRow, columns: ColumnInfo[]): JsonRow {
  const result: JsonRow = {};
  columns.forEach((column, index) => {
    const name = column.Name ?? `_col${index}`;
    result[name] = convert(row.Data?.[index]?.VarCharValue, column.Type ?? 'varchar', name);
  });
  return result;
}

/** Athena returns every value as text; the column type says how to read it back. */
export function convert(text: string | undefined, type: string, column: string): JsonValue {
  if (text === undefined) {
    return null;
  }
  const base = type.toLowerCase().replace(/\(.*$/, '').trim();
  switch (base) {
    case 'tinyint':
    case 'smallint':
    case 'integer':
    case 'int':
    case 'bigint':
      return bigintToNumber(BigInt(text), column);
    case 'double':
    case 'real':
    case 'float':
    case 'decimal':
      return Number(text);
    case 'boolean':
      return text === 'true';
    case 'timestamp':
    case 'timestamp with time zone':
      return athenaTimestampToIso(text, column);
    default:
      return text;
  }
}
