import { randomUUID } from 'node:crypto';
import type { Server as HttpServer, IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import {
  GraphQLError,
  getOperationAST,
  parse,
  specifiedRules,
  validate,
  type ExecutionArgs,
  type GraphQLSchema,
} from 'graphql';
import type { Context } from 'graphql-ws';
import { useServer, type Extra } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import type { QueryLimitsConfig } from '../config';
import type { ContextFactory, GraphQLContext } from '../context';
import { QueryTooComplexError, isUpstreamError } from '../errors';
import type { Logger } from '../logger';
import { operationCost } from './cost';
import { formatError, isInternalError, rootCause } from './format-error';
import { queryLimitRules } from './limits';
import { describeError } from './plugins/error-logging.plugin';

export interface SubscriptionServerOptions {
  httpServer: HttpServer;
  path: string;
  schema: GraphQLSchema;
  contextFor: ContextFactory;
  limits: QueryLimitsConfig;
  logger: Logger;
  /**
   * How long one subscription may run (its upstream deadline and field budget are per
   * subscription). @default 3600000
   */
  maxSubscriptionMs?: number;
}

/** Credentials a client may put in `connectionParams`, as the header names the HTTP front door reads. */
function headersOf(request: IncomingMessage, params: Readonly<Record<string, unknown>> | undefined) {
  const headers: Record<string, string | string[] | undefined> = { ...request.headers };
  // The upgrade request's own Cookie (a browser's bk_token) and Authorization stay unless the
  // client names credentials explicitly in connectionParams.
  for (const [name, value] of Object.entries(params ?? {})) {
    const key = name.toLowerCase();
    if (typeof value !== 'string') continue;
    if (key === 'authorization' || key === 'x-bk-token') headers[key] = value;
    else if (key === 'bk_token') headers['x-bk-token'] = value;
  }
  // A connection's operations are not cached per request: an event must read fresh state.
  headers['cache-control'] = 'no-cache';
  return headers;
}

/**
 * GraphQL over WebSocket (the graphql-ws protocol) on the same path as HTTP: subscriptions, and
 * queries or mutations a client prefers to send there. Every operation passes the same limits as
 * over HTTP (validation with the query-limit rules, the token limit, the cost budget) and runs
 * with a context built like an HTTP request's, from the credentials in `connectionParams` or the
 * upgrade request's cookie/headers. Invalid credentials close the socket with 4403 before any
 * operation runs.
 */
export function attachSubscriptionServer({
  httpServer,
  path,
  schema,
  contextFor,
  limits,
  logger,
  maxSubscriptionMs = 3_600_000,
}: SubscriptionServerOptions): { close(): Promise<void> } {
  const wss = new WebSocketServer({ noServer: true });
  const rules = [...specifiedRules, ...queryLimitRules(limits)];
  type Ctx = Context<Record<string, unknown>, Extra & { requestId?: string }>;

  const contexts = new WeakMap<object, GraphQLContext>();

  const disposable = useServer(
    {
      schema,
      async onConnect(ctx: Ctx) {
        const requestId = randomUUID();
        try {
          await contextFor({
            headers: headersOf(ctx.extra.request, ctx.connectionParams),
            requestId,
            logger: logger.child({ reqId: requestId }),
          });
          return true;
        } catch (error) {
          if (isInternalError(error))
            logger.error({ error: describeError(error) }, 'could not authenticate a WebSocket connection');
          return false;
        }
      },
      async onSubscribe(ctx: Ctx, _id, payload) {
        let document;
        try {
          document = parse(payload.query, { maxTokens: limits.tokens });
        } catch (error) {
          return [
            error instanceof GraphQLError
              ? error
              : new GraphQLError('Syntax Error: the document could not be parsed'),
          ];
        }
        const errors = validate(schema, document, rules);
        if (errors.length > 0) return errors;
        const operation = getOperationAST(document, payload.operationName);
        if (!operation) return [new GraphQLError('the document names no operation to run')];
        if (limits.cost > 0) {
          let cost: number;
          try {
            cost = operationCost(schema, document, operation, payload.variables ?? {});
          } catch (error) {
            return [
              error instanceof GraphQLError
                ? error
                : new GraphQLError('the variables do not fit the operation'),
            ];
          }
          if (cost > limits.cost)
            return [
              new QueryTooComplexError(`the query would cost ${cost}, over the budget of ${limits.cost}`, {
                limit: 'cost',
                max: limits.cost,
                found: cost,
              }),
            ];
        }
        const requestId = randomUUID();
        const subscription = operation.operation === 'subscription';
        const contextValue = await contextFor({
          headers: headersOf(ctx.extra.request, ctx.connectionParams),
          requestId,
          logger: logger.child({ reqId: requestId }),
          ...(subscription ? { deadlineMs: maxSubscriptionMs, maxFields: Number.MAX_SAFE_INTEGER } : {}),
        });
        const args: ExecutionArgs = {
          schema,
          document,
          contextValue,
          variableValues: payload.variables ?? {},
          ...(payload.operationName ? { operationName: payload.operationName } : {}),
        };
        contexts.set(args, contextValue);
        return args;
      },
      onNext(_ctx, _id, _payload, args, result) {
        if (!result.errors?.length) return result;
        logErrors(contexts.get(args), result.errors);
        return { ...result, errors: result.errors.map((e) => formatError(e.toJSON(), e)) };
      },
      onError(_ctx, _id, _payload, errors) {
        return errors.map((e) => formatError(e.toJSON(), e));
      },
    },
    wss,
  );

  const onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const pathname = new URL(request.url ?? '/', 'http://localhost').pathname;
    if (pathname !== path) {
      socket.destroy();
      return;
    }
    wss.handleUpgrade(request, socket, head, (ws) => wss.emit('connection', ws, request));
  };
  httpServer.on('upgrade', onUpgrade);

  return {
    async close() {
      httpServer.off('upgrade', onUpgrade);
      for (const client of wss.clients) client.close(1001, 'server shutting down');
      await disposable.dispose();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}

function logErrors(ctx: GraphQLContext | undefined, errors: readonly GraphQLError[]): void {
  if (!ctx) return;
  for (const error of errors) {
    const cause = rootCause(error);
    const path = error.path?.join('.');
    if (isInternalError(error))
      ctx.logger.error({ error: describeError(cause), path }, 'internal error in a WebSocket operation');
    else if (isUpstreamError(cause))
      ctx.logger.warn(
        { upstream: cause.upstream, kind: cause.kind, code: cause.code, path },
        'upstream call failed',
      );
  }
}
