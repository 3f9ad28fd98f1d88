import { tokenOperations as ops } from '#src/auth/token-operations.ts';
import { clientPath, type OperationBody, type OperationResult } from '#src/core/operation.ts';
import { ApiClientError, type HttpClient } from '../http-client.ts';

const issue = ops.KeystoneCreateUserTokenByPassword;

export interface PasswordLogin {
  domain: string;
  user: string;
  password: string;
  project: { name?: string; id?: string };
}

export const iamClient = (http: HttpClient) => ({
  /**
   * Returns the X-Subject-Token and the token body. The token comes in a header, which http.op
   * does not return, so this call reads the raw answer of the same operation.
   */
  async issueToken(login: PasswordLogin): Promise<{ token: string; body: OperationResult<typeof issue> }> {
    const body: OperationBody<typeof issue> = {
      auth: {
        identity: {
          methods: ['password'],
          password: { user: { name: login.user, password: login.password, domain: { name: login.domain } } },
        },
        scope: { project: login.project },
      },
    };
    const res = await http.raw(issue.method, clientPath(issue), { body });
    const token = res.headers.get('x-subject-token');
    if (res.status !== 201 || !token) {
      const b = (res.json ?? {}) as { error_code?: string; error_msg?: string };
      throw new ApiClientError(res.status, b.error_code, b.error_msg, res.headers.get('x-request-id'), res.json);
    }
    return { token, body: res.json as OperationResult<typeof issue> };
  },
});
