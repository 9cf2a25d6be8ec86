import type { ValueTransformer } from 'typeorm';

/**
 * Maps a Postgres `bigint` column to a TypeScript `bigint`. node-postgres returns int8 as a decimal string
 * (a JS number would lose precision above 2^53), so the conversion happens here, exactly, in both directions.
 */
export const bigintTransformer: ValueTransformer = {
  to(value: bigint | null | undefined): string | null | undefined {
    if (value === null || value === undefined) return value;
    return value.toString();
  },
  from(value: string | null): bigint | null {
    if (value === null) return null;
    return BigInt(value);
  },
};
