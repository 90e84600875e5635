import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The BlueKing doc examples every contract is checked against (../shared/bk-api/fixtures). */
export const FIXTURES_DIR = join(__dirname, '..', '..', '..', 'shared', 'bk-api', 'fixtures');

interface Fixture {
  response: unknown;
}

/** The fixture's response body. */
export function fixtureBody(name: string): Record<string, unknown> {
  const f = JSON.parse(readFileSync(join(FIXTURES_DIR, `${name}.json`), 'utf8')) as Fixture;
  const r = f.response as Record<string, unknown>;
  // bk-login fixtures wrap the body with its HTTP status.
  return ('http_status' in r ? r.body : r) as Record<string, unknown>;
}

/** The fixture's `data` (what the HTTP core hands a client for a `bk` envelope). */
export function fixtureData<T>(name: string): T {
  return fixtureBody(name).data as T;
}

/** The raw response of a `bare` fixture (bkpaas3). */
export function fixtureBare<T>(name: string): T {
  const f = JSON.parse(readFileSync(join(FIXTURES_DIR, `${name}.json`), 'utf8')) as Fixture;
  return f.response as T;
}
