/** A JSON-safe result value: integers as numbers, timestamps as ISO-8601 strings (UTC, microseconds). */
export type JsonValue = string | number | boolean | null;
export type JsonRow = Record<string, JsonValue>;

/** Runs one SQL statement over the alerts table and returns its rows as JSON-safe objects. */
export interface QueryEngine {
  /** The table reference to put into SQL, quoted for the engine's dialect. */
  readonly tableRef: string;
  run(sql: string): Promise<JsonRow[]>;
  close?(): Promise<void>;
}
