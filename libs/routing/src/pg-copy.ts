import { once } from 'node:events';
import { finished } from 'node:stream/promises';
import { StringDecoder } from 'node:string_decoder';
import type { PoolClient } from 'pg';
import { from as copyFrom, to as copyTo, type CopyStreamQuery } from 'pg-copy-streams';
import type { DataSource, QueryRunner } from 'typeorm';

/** Bytes buffered before one write to a COPY FROM stream. */
const COPY_CHUNK = 64 * 1024;

/** Runs `use` with a pooled connection: the TypeORM query runner (for transactions) and its pg client (for COPY). */
export async function withConnection<T>(
  dataSource: DataSource,
  use: (runner: QueryRunner, client: PoolClient) => Promise<T>,
): Promise<T> {
  const runner = dataSource.createQueryRunner();
  try {
    const client = (await runner.connect()) as PoolClient;
    return await use(runner, client);
  } finally {
    await runner.release();
  }
}

/** Characters COPY text format escapes on input. */
const COPY_SPECIAL = /[\\\t\n\r]/;

/** One field in COPY text format: `\N` for null, backslash escapes for the characters COPY treats specially. */
export function copyField(value: string | null): string {
  if (value === null) return '\\N';
  if (!COPY_SPECIAL.test(value)) return value;
  return value.replace(/[\\\t\n\r]/g, (character) =>
    character === '\\' ? '\\\\' : character === '\t' ? '\\t' : character === '\n' ? '\\n' : '\\r',
  );
}

const COPY_ESCAPES: Record<string, string> = { b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v' };

/** Reverses the escapes of COPY TO text format (`\N` is handled by the caller). */
function unescapeCopyField(field: string): string {
  if (!field.includes('\\')) return field;
  return field.replace(/\\(.)/g, (_, character: string) => COPY_ESCAPES[character] ?? character);
}

/**
 * A COPY FROM STDIN in text format fed line by line with backpressure. Call `end()` to finish (resolves when the
 * server has accepted every row); `finished` is false until then.
 */
export class CopyWriter {
  private readonly stream: CopyStreamQuery;
  private readonly done: Promise<void>;
  private buffer = '';
  private open = true;

  constructor(client: PoolClient, sql: string) {
    this.stream = client.query(copyFrom(sql));
    this.done = finished(this.stream);
    // Awaited in end(); this only keeps a failure before then from being reported as unhandled.
    this.done.catch(() => undefined);
  }

  get isOpen(): boolean {
    return this.open;
  }

  /** Appends one row; `fields` must already be in COPY text form (see copyField). */
  async writeRow(fields: readonly string[]): Promise<void> {
    this.buffer += `${fields.join('\t')}\n`;
    if (this.buffer.length >= COPY_CHUNK) await this.flush();
  }

  async end(): Promise<void> {
    if (!this.open) return;
    this.open = false;
    await this.flush();
    this.stream.end();
    await this.done;
  }

  private async flush(): Promise<void> {
    if (this.buffer.length === 0) return;
    const chunk = this.buffer;
    this.buffer = '';
    if (!this.stream.write(chunk)) await Promise.race([once(this.stream, 'drain'), this.done]);
  }
}

/** Streams the rows of `COPY (...) TO STDOUT` (text format) to `onRow`, fields split, nulls as null. */
export async function copyOut(
  client: PoolClient,
  sql: string,
  onRow: (fields: readonly (string | null)[]) => void,
): Promise<void> {
  const stream = client.query(copyTo(sql));
  const decoder = new StringDecoder('utf8');
  let pending = '';
  for await (const chunk of stream) {
    const text = pending + decoder.write(chunk as Buffer);
    let start = 0;
    for (let end = text.indexOf('\n'); end !== -1; end = text.indexOf('\n', start)) {
      onRow(
        text
          .slice(start, end)
          .split('\t')
          .map((field) => (field === '\\N' ? null : unescapeCopyField(field))),
      );
      start = end + 1;
    }
    pending = text.slice(start);
  }
  if (pending.length > 0) throw new Error(`COPY output ended inside a row: ${pending.slice(0, 40)}`);
}
