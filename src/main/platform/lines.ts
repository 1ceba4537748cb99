// Lines of a byte stream, each bounded in length. A text line is kept in memory whole, and a string has a
// maximum length (~512 M characters in V8): one 900 MB line made readline throw "Invalid string length" and
// ended the import. Here a longer line is skipped to its end and reported, and the lines after it still come.

export type BoundedLine = { kind: 'line'; text: string } | { kind: 'too-long'; bytes: number };

/** 256 MB: well under V8's string limit, and far past any sane record. */
export const MAX_LINE_BYTES = 256 * 1024 * 1024;

/** What to say of a line over the limit (after the file and line number). */
export function tooLongLine(bytes: number, maxLineBytes: number): string {
  const mb = (n: number) => (n >= 1024 ** 2 ? `${(n / 1024 ** 2).toFixed(0)} MB` : `${n} bytes`);
  return `the line is ${mb(bytes)}, over the ${mb(maxLineBytes)} limit for one line`;
}

export async function* boundedLines(
  chunks: AsyncIterable<Buffer>,
  maxLineBytes = MAX_LINE_BYTES,
): AsyncGenerator<BoundedLine> {
  const lines = new LineSplitter(maxLineBytes);
  for await (const chunk of chunks) yield* lines.push(chunk);
  yield* lines.end();
}

/** boundedLines for chunks read synchronously (readChunksSyncWithin). */
export function* boundedLinesSync(chunks: Iterable<Buffer>, maxLineBytes = MAX_LINE_BYTES): Generator<BoundedLine> {
  const lines = new LineSplitter(maxLineBytes);
  for (const chunk of chunks) yield* lines.push(chunk);
  yield* lines.end();
}

class LineSplitter {
  private parts: Buffer[] = [];
  private size = 0;
  private overflow = false;
  private sawAny = false;

  constructor(private readonly maxLineBytes: number) {}

  *push(chunk: Buffer): Generator<BoundedLine> {
    this.sawAny = true;
    let start = 0;
    for (let newline = chunk.indexOf(10); newline !== -1; newline = chunk.indexOf(10, start)) {
      this.take(chunk.subarray(start, newline));
      yield this.finish();
      start = newline + 1;
    }
    if (start < chunk.length) this.take(chunk.subarray(start));
  }

  /** A last line without a newline is still a line. */
  *end(): Generator<BoundedLine> {
    if (this.sawAny && (this.size > 0 || this.overflow)) yield this.finish();
  }

  private take(piece: Buffer): void {
    this.size += piece.length;
    if (this.size > this.maxLineBytes) {
      this.overflow = true;
      this.parts = [];
    } else if (!this.overflow) this.parts.push(piece);
  }

  private finish(): BoundedLine {
    const result: BoundedLine = this.overflow
      ? { kind: 'too-long', bytes: this.size }
      : { kind: 'line', text: stripCr(Buffer.concat(this.parts, this.size).toString('utf8')) };
    this.parts = [];
    this.size = 0;
    this.overflow = false;
    return result;
  }
}

const stripCr = (text: string) => (text.endsWith('\r') ? text.slice(0, -1) : text);
