declare module 'fastify' {
  interface FastifyContextConfig {
    /** No credentials needed (health, metrics, OpenAPI, token issue). */
    public?: boolean;
  }
}
export {};
