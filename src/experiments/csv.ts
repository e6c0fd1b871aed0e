/**
 * Minimal CSV for run logs and result tables (RFC 4180 quoting; one header line).
 * Cells are numbers, strings or booleans; `readCsv` turns numeric-looking cells back into numbers
 * (including `NaN`, `Infinity`, `-Infinity`), so a row written and read again compares equal.
 */
import * as fs from 'node:fs';

export type CsvValue = number | string | boolean;
export type CsvRow = Record<string, CsvValue>;

/** Formats one cell: numbers with full precision (`String(x)` round-trips float64), strings quoted when needed. */
export function formatCsvCell(value: CsvValue): string {
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return /[",\n\r]/.test(value) || value !== value.trim() ? `"${value.replace(/"/g, '""')}"` : value;
}

/** The text of a CSV file: header from `columns` (default: keys of the first row), one line per row. */
export function toCsv(rows: readonly CsvRow[], columns: readonly string[] = rows.length ? Object.keys(rows[0]) : []): string {
  const lines = [columns.map(formatCsvCell).join(',')];
  for (const row of rows) lines.push(csvLine(row, columns));
  return lines.join('\n') + '\n';
}

/** One data line for `row` in the order of `columns`; a missing column is an error. */
export function csvLine(row: CsvRow, columns: readonly string[]): string {
  return columns
    .map((column) => {
      if (!(column in row)) throw new Error(`csvLine: row has no value for column '${column}' (row keys: ${Object.keys(row).join(', ')})`);
      return formatCsvCell(row[column]);
    })
    .join(',');
}

/** Parses CSV text into rows keyed by the header. Lines with the wrong number of cells are an error. */
export function parseCsv(text: string): CsvRow[] {
  const records = splitRecords(text);
  if (records.length === 0) return [];
  const [header, ...body] = records;
  return body.map((cells, index) => {
    if (cells.length !== header.length) {
      throw new Error(`parseCsv: line ${index + 2} has ${cells.length} cells, expected ${header.length} (header: ${header.join(',')})`);
    }
    const row: CsvRow = {};
    header.forEach((name, i) => (row[name] = parseCell(cells[i])));
    return row;
  });
}

/** Reads a CSV file; a missing file reads as no rows. A malformed file is an error naming the file and the line. */
export function readCsv(path: string): CsvRow[] {
  if (!fs.existsSync(path)) return [];
  const text = fs.readFileSync(path, 'utf8');
  try {
    return parseCsv(text);
  } catch (error) {
    throw new Error(`${path}: ${(error as Error).message.replace(/^parseCsv: /, '')}`);
  }
}

/**
 * Reads and parses a JSON file; invalid JSON is an error naming the file, the line and the column
 * (e.g. `config.json:3:7: Unexpected token …`).
 */
export function readJsonFile<T = unknown>(path: string): T {
  const text = fs.readFileSync(path, 'utf8');
  try {
    return JSON.parse(text) as T;
  } catch (error) {
    const message = (error as Error).message;
    const position = /at position (\d+)/.exec(message);
    const offset = position ? Number(position[1]) : /end of JSON input/.test(message) ? text.length : -1;
    let where = '';
    if (offset >= 0) {
      const before = text.slice(0, offset).split('\n');
      where = `:${before.length}:${before[before.length - 1].length + 1}`;
    }
    throw new Error(`${path}${where}: invalid JSON (${message})`);
  }
}

/** What an error code of a failed write means, for messages. */
const WRITE_ERRORS: Record<string, string> = {
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  EROFS: 'the file system is read-only',
  EACCES: 'permission denied (the folder is not writable by this user)',
  EPERM: 'operation not permitted (the folder is not writable by this user)',
};

/** A write that failed: names the file, the error code and what it means. */
export class FileWriteError extends Error {
  constructor(readonly path: string, readonly code: string | undefined, cause: Error) {
    super(`cannot write ${path}: ${code && WRITE_ERRORS[code] ? `${code}, ${WRITE_ERRORS[code]}` : cause.message}`);
    this.name = 'FileWriteError';
  }
}

/** Runs `write`; an error from the file system becomes a `FileWriteError` naming `path`. */
export function namedWrite<T>(path: string, write: () => T): T {
  try {
    return write();
  } catch (error) {
    if (error instanceof FileWriteError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    if (typeof code !== 'string') throw error;
    throw new FileWriteError(path, code, error as Error);
  }
}

/** Writes rows to `path` atomically (temporary file, then rename). */
export function writeCsv(path: string, rows: readonly CsvRow[], columns?: readonly string[]): void {
  writeFileAtomic(path, toCsv(rows, columns));
}

/**
 * Writes `data` to `path` through a temporary file `<path>.tmp-<pid>` in the same folder, flushed,
 * then renamed over it. A failed write (full disk, read-only or not writable folder) removes the
 * temporary file and throws a `FileWriteError` naming `path`.
 */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  const temporary = `${path}.tmp-${process.pid}`;
  namedWrite(path, () => {
    try {
      const fd = fs.openSync(temporary, 'w');
      try {
        fs.writeFileSync(fd, data);
        fs.fsyncSync(fd);
      } finally {
        fs.closeSync(fd);
      }
      fs.renameSync(temporary, path);
    } catch (error) {
      try {
        fs.rmSync(temporary, { force: true });
      } catch {
        // the original error says what went wrong
      }
      throw error;
    }
  });
}

/** Matches the temporary files of `writeFileAtomic` (`<name>.tmp-<pid>`). */
export const TEMPORARY_FILE = /\.tmp-\d+$/;

function parseCell(cell: string): CsvValue {
  if (cell === 'true') return true;
  if (cell === 'false') return false;
  if (cell === 'NaN') return NaN;
  if (cell !== '' && cell.trim() === cell && Number.isFinite(Number(cell))) return Number(cell);
  if (cell === 'Infinity') return Infinity;
  if (cell === '-Infinity') return -Infinity;
  return cell;
}

/** Splits CSV text into records of raw cells, honouring quotes; a trailing newline ends the last record. */
function splitRecords(text: string): string[][] {
  const records: string[][] = [];
  let cells: string[] = [];
  let cell = '';
  let quoted = false;
  let i = 0;
  while (i < text.length) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i += 2;
        continue;
      }
      if (ch === '"') quoted = false;
      else cell += ch;
      i++;
      continue;
    }
    if (ch === '"') quoted = true;
    else if (ch === ',') {
      cells.push(cell);
      cell = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      cells.push(cell);
      records.push(cells);
      cells = [];
      cell = '';
    } else cell += ch;
    i++;
  }
  if (cell !== '' || cells.length) {
    cells.push(cell);
    records.push(cells);
  }
  return records;
}
