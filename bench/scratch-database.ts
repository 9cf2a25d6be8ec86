// Shared by the benchmarks: a server URL pointed at another database, and an admin connection for CREATE/DROP DATABASE.
import { readFileSync } from 'node:fs';
import { Client } from 'pg';

/** `serverUrl` with its database replaced by `database`. */
export function databaseUrl(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

/** Runs `work` on one connection to `serverUrl` (its own database), closing the connection afterwards. */
export async function withAdmin<T>(serverUrl: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: serverUrl });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** CPU time (ms) a process has used so far, from /proc (this machine only); undefined when it cannot be read. */
export function processCpuMs(pid: number): number | undefined {
  try {
    // Fields 14 and 15 of /proc/<pid>/stat (after the command name) are user and system time in clock ticks (100/s).
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return undefined;
  }
}

/**
 * CPU time (ms) used so far by each Postgres backend that `backendsSql` lists (a query returning `pid`), when the
 * server runs on this machine; undefined when it cannot be read (remote server, other OS). Backends that ended are
 * not counted.
 */
export async function postgresCpuMs(
  query: (sql: string) => Promise<Array<{ pid: number }>>,
  backendsSql: string,
): Promise<Map<number, number> | undefined> {
  const readings = new Map<number, number>();
  for (const { pid } of await query(backendsSql)) {
    const ms = processCpuMs(pid);
    if (ms === undefined) return undefined;
    readings.set(pid, ms);
  }
  return readings;
}

/** CPU ms used between two readings of the same processes (undefined if either is). */
export function cpuDelta(
  before: Map<number, number> | undefined,
  after: Map<number, number> | undefined,
): number | undefined {
  if (before === undefined || after === undefined) return undefined;
  let total = 0;
  for (const [pid, ms] of after) total += ms - (before.get(pid) ?? 0);
  return total;
}
