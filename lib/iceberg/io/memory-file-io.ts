import { FileIOError } from '../errors';
import type { FileIO } from './file-io';

/** In-memory FileIO for tests and benchmarks. */
export class MemoryFileIO implements FileIO {
  readonly files = new Map<string, Uint8Array>();

  async write(path: string, bytes: Uint8Array): Promise<void> {
    this.files.set(path, bytes);
  }

  async read(path: string): Promise<Uint8Array> {
    const bytes = this.files.get(path);
    if (!bytes) throw new FileIOError(`no such file: ${path}`, { retryable: false });
    return bytes;
  }

  async delete(path: string): Promise<void> {
    this.files.delete(path);
  }
}
