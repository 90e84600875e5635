import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { Kysely } from 'kysely';
import { PGliteDialect } from 'kysely-pglite-dialect';
import type { Database } from './database';
import { StoreUnavailableError } from './errors';

/**
 * The embedded database in `dataDir` (`memory://` keeps it in memory) and a Kysely over it.
 * PGlite is one Postgres backend: PGliteDialect serializes all queries over its one connection,
 * so a session-level SET holds for every query.
 */
export async function openPglite(
  dataDir: string,
  schema: string,
): Promise<{ db: Kysely<Database>; pglite: PGlite }> {
  let pglite: PGlite;
  try {
    if (!dataDir.startsWith('memory://')) mkdirSync(dataDir, { recursive: true });
    pglite = await PGlite.create(dataDir);
    await pglite.exec(`SET search_path TO ${schema}`);
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    throw new StoreUnavailableError(
      'pglite',
      `cannot open its data directory: ${typeof code === 'string' ? code : (error as Error).name}`,
    );
  }
  return { db: new Kysely<Database>({ dialect: new PGliteDialect(pglite) }), pglite };
}
