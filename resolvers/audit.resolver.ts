import { Args, Ctx, Query, Resolver } from 'type-graphql';
import { AuditEntryConnection } from '../schema/audit-entry-connection.type';
import { AuditPageArgs } from '../schema/audit-page.args';
import { AuditEntry } from '../schema/audit-entry.type';
import type { GraphQLContext } from '../src/context';
import { readPageArgs, toConnection } from '../src/graph/connection';
import { MAX_AUDIT_PAGE } from '../src/services/audit';

@Resolver(() => AuditEntry)
export class AuditResolver {
  @Query(() => AuditEntryConnection, {
    description:
      "The caller's own audit entries (every mutation they made, whatever came of it), newest first.",
  })
  async auditLog(@Args(() => AuditPageArgs) args: AuditPageArgs, @Ctx() ctx: GraphQLContext) {
    const window = readPageArgs(args, { maxFirst: MAX_AUDIT_PAGE });
    const page = await ctx.services.audit.listOwn(ctx.actor(), {
      offset: window.offset,
      limit: window.limit,
    });
    const entries = page.items.map((e) => ({ ...e, id: String(e.id) }));
    return toConnection(entries, window.offset, page.count);
  }
}
