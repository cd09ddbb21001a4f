import type { Deadline } from '../util/deadline';

export interface FileIOOptions {
  /** Requests are cut off at the deadline, and none starts too close to it. */
  deadline?: Deadline;
}

export interface ReadOptions extends FileIOOptions {
  /** Read only these bytes (a deletion vector inside a Puffin file, say). */
  range?: { offset: number; length: number };
}

/** Reads and writes whole objects by full URI (`s3://bucket/key`, or any scheme an implementation knows). */
export interface FileIO {
  write(path: string, bytes: Uint8Array, options?: FileIOOptions): Promise<void>;
  read(path: string, options?: ReadOptions): Promise<Uint8Array>;
  delete?(path: string, options?: FileIOOptions): Promise<void>;
  /** Every object whose path starts with `prefix` (a directory ends with `/`), in pages. */
  list?(prefix: string, options?: FileIOOptions): AsyncIterable<ListedFile>;
}

/** An object a listing found. */
export interface ListedFile {
  path: string;
  size: number;
  lastModifiedMs: number;
}
