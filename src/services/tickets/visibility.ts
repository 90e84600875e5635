import type { Actor } from '../actor';

/**
 * Who may see and act on a ticket or approval bk-graph created: its creator, or an admin. The
 * tenant must match too, so one tenant's admin never sees another's.
 */
export function maySee(
  actor: Actor,
  row: { createdBy: string; tenantId: string | null },
  admins: ReadonlySet<string>,
): boolean {
  if ((row.tenantId ?? null) !== (actor.tenantId ?? null)) return false;
  return row.createdBy === actor.username || admins.has(actor.username);
}

export function isAdmin(actor: Actor, admins: ReadonlySet<string>): boolean {
  return admins.has(actor.username);
}
