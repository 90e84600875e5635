import type { Migration, MigrationProvider } from 'kysely';
import { initial } from './0001-initial';
import { approvalSecrets } from './0002-approval-secrets';

/**
 * Every migration, by name, in order. Listed here rather than found by scanning a folder, so they
 * run the same from `src/` under jest or tsx and from `dist/`. Add new ones at the end with the
 * next number: Kysely runs them in name order and refuses a history that does not match.
 */
export const migrations: Record<string, Migration> = {
  '0001-initial': initial,
  '0002-approval-secrets': approvalSecrets,
};

export const migrationProvider: MigrationProvider = {
  getMigrations: async () => migrations,
};
