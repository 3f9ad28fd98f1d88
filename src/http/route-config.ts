declare module 'fastify' {
  interface FastifyContextConfig {
    /** No credentials needed (health, metrics, OpenAPI, token issue). */
    public?: boolean;
    /**
     * The body is a stream (a file upload): a signed `X-Sdk-Content-Sha256: UNSIGNED-PAYLOAD` may
     * stand for its hash, as the SDKs send for bodies that are not JSON. Elsewhere it is refused.
     */
    streamBody?: boolean;
    /**
     * A 2xx body is another party's answer sent on as it came (a model's prediction): its shape is
     * the model's, so the response check does not judge it.
     */
    passThrough?: boolean;
    /**
     * A labeling team member's identity (role 'worker') may call this route. Workers are refused
     * everywhere else (checked in auth/auth-hook.ts).
     */
    workerRoute?: boolean;
  }
}
export {};
