import {
  GetQueryExecutionCommand,
  type GetQueryExecutionCommandOutput,
  type GetQueryResultsCommand,
  type GetQueryResultsCommandOutput,
  type QueryExecutionStatus,
  type ResultSet,
  StartQueryExecutionCommand,
  type StartQueryExecutionCommandOutput,
} from '@aws-sdk/client-athena';
import type { AthenaSdkClient } from '../../../functions/query/athena-engine';

type AthenaCommand = StartQueryExecutionCommand | GetQueryExecutionCommand | GetQueryResultsCommand;
type AthenaOutput =
  | StartQueryExecutionCommandOutput
  | GetQueryExecutionCommandOutput
  | GetQueryResultsCommandOutput;

/** Plays back query states and result pages the way Athena returns them. */
export class FakeAthena implements AthenaSdkClient {
  readonly commands: AthenaCommand[] = [];

  constructor(
    private readonly states: QueryExecutionStatus[],
    private readonly pages: { resultSet: ResultSet; nextToken?: string }[],
  ) {}

  send(command: StartQueryExecutionCommand): Promise<StartQueryExecutionCommandOutput>;
  send(command: GetQueryExecutionCommand): Promise<GetQueryExecutionCommandOutput>;
  send(command: GetQueryResultsCommand): Promise<GetQueryResultsCommandOutput>;
  async send(command: AthenaCommand): Promise<AthenaOutput> {
    this.commands.push(command);
    const $metadata = {};
    if (command instanceof StartQueryExecutionCommand) {
      return { $metadata, QueryExecutionId: 'q-1' };
    }
    if (command instanceof GetQueryExecutionCommand) {
      const status = this.states.shift() ?? { State: 'RUNNING' };
      return { $metadata, QueryExecution: { QueryExecutionId: 'q-1', Status: status } };
    }
    const index = command.input.NextToken ? Number(command.input.NextToken.slice(5)) : 0;
    const page = this.pages[index];
    if (!page) {
      throw new Error(`No result page ${index}`);
    }
    return { $metadata, ResultSet: page.resultSet, NextToken: page.nextToken };
  }
}

/** A result page: text cells as Athena sends them; `undefined` is a SQL NULL. */
export function resultPage(
  columns: [name: string, type: string][],
  rows: (string | undefined)[][],
  withHeader: boolean,
): ResultSet {
  const header = withHeader ? [{ Data: columns.map(([name]) => ({ VarCharValue: name })) }] : [];
  return {
    ResultSetMetadata: { ColumnInfo: columns.map(([Name, Type]) => ({ Name, Type })) },
    Rows: [
      ...header,
      ...rows.map((cells) => ({ Data: cells.map((VarCharValue) => ({ VarCharValue })) })),
    ],
  };
}
