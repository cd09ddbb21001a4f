import { ValidationError } from '../errors';
import type { FileIO } from '../io/file-io';
import { type DataFile, FileContent } from '../spec/data-file';
import type { NameMapping } from '../spec/name-mapping';
import type { Deadline } from '../util/deadline';
import { DELETE_FILE_PATH_ID, DELETE_POS_ID } from './delete-index';
import { decodeDeletionVector } from './deletion-vector';
import { readFileRows } from './file-reader';

/** A value as a set key that keeps types apart (1 vs 1n vs "1") and null as its own value. */
function keyPart(value: unknown): string {
  if (value === null || value === undefined) return 'N';
  if (typeof value === 'bigint') return `b${value}`;
  if (typeof value === 'number') return Object.is(value, -0) ? 'n-0' : `n${value}`;
  if (typeof value === 'string') return `s${JSON.stringify(value)}`;
  if (typeof value === 'boolean') return value ? 'T' : 'F';
  if (value instanceof Uint8Array) return `x${Buffer.from(value).toString('hex')}`;
  return `j${JSON.stringify(value)}`;
}

export function equalityKey(values: readonly unknown[]): string {
  return values.map(keyPart).join('\u0001');
}

/** The deletes of one equality delete file: rows whose values for `fieldIds` are in `keys`. */
export interface EqualityDeletes {
  fieldIds: number[];
  keys: Set<string>;
}

/** The deletes that apply to one data file, ready to test rows against. */
export interface FileDeletes {
  /** Deleted row positions (from a deletion vector or position delete files). */
  positions: Set<number>;
  equality: EqualityDeletes[];
}

/**
 * Loads delete files, each once however many data files it applies to (one loader per scan).
 * Equality deletes are matched on the values the data file holds, so both are read the same way.
 */
export class DeleteLoader {
  private readonly positionFiles = new Map<string, Promise<Map<string, number[]>>>();
  private readonly equalityFiles = new Map<string, Promise<EqualityDeletes>>();

  constructor(
    private readonly io: FileIO,
    private readonly options: { nameMapping?: NameMapping; deadline?: Deadline } = {},
  ) {}

  async forFile(dataFile: DataFile, deletes: readonly DataFile[]): Promise<FileDeletes> {
    const positions = new Set<number>();
    const equality: EqualityDeletes[] = [];
    for (const file of deletes) {
      if (file.content === FileContent.EqualityDeletes) {
        equality.push(await this.equality(file));
      } else if (file.fileFormat === 'PUFFIN') {
        for (const p of await this.deletionVector(file)) positions.add(p);
      } else {
        const byPath = await this.positions(file);
        for (const p of byPath.get(dataFile.filePath) ?? []) positions.add(p);
      }
    }
    return { positions, equality };
  }

  private positions(file: DataFile): Promise<Map<string, number[]>> {
    let loaded = this.positionFiles.get(file.filePath);
    if (!loaded) {
      loaded = (async () => {
        const { keyById, rows } = await readFileRows(this.io, file, {
          fieldIds: [DELETE_FILE_PATH_ID, DELETE_POS_ID],
          ...this.options,
        });
        const pathKey = keyById.get(DELETE_FILE_PATH_ID);
        const posKey = keyById.get(DELETE_POS_ID);
        if (!pathKey || !posKey) {
          throw new ValidationError(
            `position delete file ${file.filePath} has no file_path and pos`,
          );
        }
        const out = new Map<string, number[]>();
        for (const row of rows) {
          const path = String(row[pathKey]);
          const list = out.get(path) ?? [];
          list.push(Number(row[posKey]));
          out.set(path, list);
        }
        return out;
      })();
      this.positionFiles.set(file.filePath, loaded);
    }
    return loaded;
  }

  private async deletionVector(file: DataFile): Promise<number[]> {
    if (file.contentOffset === undefined || file.contentSizeInBytes === undefined) {
      throw new ValidationError(
        `deletion vector in ${file.filePath} has no content offset and size`,
      );
    }
    const blob = await this.io.read(file.filePath, {
      range: { offset: Number(file.contentOffset), length: Number(file.contentSizeInBytes) },
      deadline: this.options.deadline,
    });
    const positions = decodeDeletionVector(blob);
    if (BigInt(positions.length) !== file.recordCount) {
      throw new ValidationError(
        `deletion vector in ${file.filePath} holds ${positions.length} positions, its manifest says ${file.recordCount}`,
      );
    }
    return positions;
  }

  private equality(file: DataFile): Promise<EqualityDeletes> {
    let loaded = this.equalityFiles.get(file.filePath);
    if (!loaded) {
      loaded = (async () => {
        const fieldIds = file.equalityIds ?? [];
        if (fieldIds.length === 0) {
          throw new ValidationError(`equality delete file ${file.filePath} has no equality_ids`);
        }
        const { keyById, rows } = await readFileRows(this.io, file, { fieldIds, ...this.options });
        const keys = fieldIds.map((id) => {
          const key = keyById.get(id);
          if (!key) {
            throw new ValidationError(`equality delete file ${file.filePath} lacks field ${id}`);
          }
          return key;
        });
        return {
          fieldIds,
          keys: new Set(rows.map((row) => equalityKey(keys.map((k) => row[k])))),
        };
      })();
      this.equalityFiles.set(file.filePath, loaded);
    }
    return loaded;
  }
}

/** Whether a data row (values by field id) survives the deletes of its file. */
export function survives(
  deletes: FileDeletes,
  position: number,
  valueFor: (fieldId: number) => unknown,
): boolean {
  if (deletes.positions.has(position)) return false;
  return deletes.equality.every(
    (eq) => !eq.keys.has(equalityKey(eq.fieldIds.map((id) => valueFor(id)))),
  );
}
