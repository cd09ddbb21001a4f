/** Reads and writes whole objects by full URI (`s3://bucket/key`, or any scheme an implementation knows). */
export interface FileIO {
  write(path: string, bytes: Uint8Array): Promise<void>;
  read(path: string): Promise<Uint8Array>;
  delete?(path: string): Promise<void>;
}
