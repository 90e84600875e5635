/** A plain lower-case Postgres identifier, so it can be put in SQL and a startup option unquoted. */
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/** Returns the name when it is a usable schema name; throws a TypeError saying what was wrong. */
export function assertSchemaName(name: string): string {
  if (!SCHEMA_NAME.test(name)) {
    throw new TypeError(
      `The store schema must match ${SCHEMA_NAME.source} (lower case, at most 63 characters), ` +
        `but got: ${JSON.stringify(name)}.`,
    );
  }
  return name;
}
