import type { SbUser } from '../types';

/** The sandbox's people (ARCHITECTURE.md "Sandbox"): admin sees everything, alice some, bob nothing. */
export const SANDBOX_TENANT = 'default';

/** Extra maintainers that appear in seeded data but cannot log in. */
export const OPS_USERS = ['ops-li', 'ops-wang', 'ops-zhang'] as const;

/** @param aliceBusinessIds the businesses alice may see (the 2nd, 3rd and 4th normal business). */
export function createUsers(aliceBusinessIds: readonly number[]): Map<string, SbUser> {
  const user = (
    username: string,
    displayName: string,
    businessIds: SbUser['businessIds'],
    language: SbUser['language'],
  ): SbUser => ({
    username,
    displayName,
    bkToken: `token-${username}`,
    accessToken: `at-${username}`,
    language,
    tenantId: SANDBOX_TENANT,
    businessIds,
  });
  return new Map([
    ['admin', user('admin', 'Administrator', 'all', 'zh-cn')],
    ['alice', user('alice', 'Alice', new Set(aliceBusinessIds), 'en')],
    ['bob', user('bob', 'Bob', new Set<number>(), 'en')],
  ]);
}

export function userByToken(users: ReadonlyMap<string, SbUser>, bkToken: string): SbUser | null {
  for (const u of users.values()) if (u.bkToken === bkToken) return u;
  return null;
}

export function userByAccessToken(users: ReadonlyMap<string, SbUser>, accessToken: string): SbUser | null {
  for (const u of users.values()) if (u.accessToken === accessToken) return u;
  return null;
}

/** Whether a user (verified or only claimed by name) may see a business. Unknown names see nothing. */
export function canSeeBusiness(user: SbUser | undefined | null, bizId: number): boolean {
  if (!user) return false;
  return user.businessIds === 'all' || user.businessIds.has(bizId);
}
