import type { Static } from 'typebox';
import type { TokenResponse } from '#src/auth/token-schemas.ts';
import { ApiClientError, type HttpClient } from '../http-client.ts';

export interface PasswordLogin {
  domain: string;
  user: string;
  password: string;
  project: { name?: string; id?: string };
}

export const iamClient = (http: HttpClient) => ({
  /** POST /v3/auth/tokens; returns the X-Subject-Token and the token body. */
  async issueToken(login: PasswordLogin): Promise<{ token: string; body: Static<typeof TokenResponse> }> {
    const res = await http.raw('POST', '/v3/auth/tokens', {
      body: {
        auth: {
          identity: {
            methods: ['password'],
            password: { user: { name: login.user, password: login.password, domain: { name: login.domain } } },
          },
          scope: { project: login.project },
        },
      },
    });
    const token = res.headers.get('x-subject-token');
    if (res.status !== 201 || !token) {
      const b = (res.json ?? {}) as { error_code?: string; error_msg?: string };
      throw new ApiClientError(res.status, b.error_code, b.error_msg, res.headers.get('x-request-id'), res.json);
    }
    return { token, body: res.json as Static<typeof TokenResponse> };
  },
});
