import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { lexicographicSortSchema, printSchema } from 'graphql';
import { resolvers } from '../../resolvers';
import { buildSchema } from './build-schema';

/** Writes schema/schema.graphql, sorted so that the committed file changes only when the schema does. */
async function main(): Promise<void> {
  const schema = await buildSchema(resolvers);
  // npm runs scripts from the package root, in development (tsx) and from dist alike.
  const target = join(process.cwd(), 'schema', 'schema.graphql');
  const header = '# Emitted by `npm run schema` from the type-graphql classes. Do not edit by hand.\n\n';
  writeFileSync(target, `${header}${printSchema(lexicographicSortSchema(schema))}\n`);
  process.stdout.write(`wrote ${target}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`schema emit failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
