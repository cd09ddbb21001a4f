import { FileIOError } from '../errors';
import type { FileIO, FileIOOptions, ListedFile, ReadOptions } from './file-io';

/** In-memory FileIO for tests and benchmarks. */
export class MemoryFileIO implements FileIO {
  readonly files = new Map<string, Uint8Array>();
  /** When each file was last written, ms (settable in tests to age a file). */
  readonly modified = new Map<string, number>();

  async write(path: string, bytes: Uint8Array, options?: FileIOOptions): Promise<void> {
    options?.deadline?.check(`writing ${path}`);
    this.files.set(path, bytes);
    this.modified.set(path, Date.now());
  }

  async read(path: string, options?: ReadOptions): Promise<Uint8Array> {
    options?.deadline?.check(`reading ${path}`);
    const bytes = this.files.get(path);
    if (!bytes) throw new FileIOError(`no such file: ${path}`, { retryable: false });
    const range = options?.range;
    if (!range) return bytes;
    if (range.offset < 0 || range.length < 0 || range.offset + range.length > bytes.length) {
      throw new FileIOError(`range ${range.offset}+${range.length} is outside ${path}`, {
        retryable: false,
      });
    }
    return bytes.subarray(range.offset, range.offset + range.length);
  }

  async delete(path: string, options?: FileIOOptions): Promise<void> {
    options?.deadline?.check(`deleting ${path}`);
    this.files.delete(path);
    this.modified.delete(path);
  }

  async *list(prefix: string, options?: FileIOOptions): AsyncIterable<ListedFile> {
    options?.deadline?.check(`listing ${prefix}`);
    for (const [path, bytes] of [...this.files]) {
      if (!path.startsWith(prefix)) continue;
      yield { path, size: bytes.length, lastModifiedMs: this.modified.get(path) ?? 0 };
    }
  }
}
