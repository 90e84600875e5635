/**
 * graphql-ws 6 publishes its ws integration only under the package's `exports` map, which the
 * project's `moduleResolution: node` does not read (Node itself resolves it at run time). This
 * points the TypeScript import at the same declaration file.
 */
declare module 'graphql-ws/use/ws' {
  export * from 'graphql-ws/dist/use/ws';
}
