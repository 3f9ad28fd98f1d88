import { operation } from '#src/core/operation.ts';
import { TokenRequest, TokenResponse } from './token-schemas.ts';

/** IAM's operations the platform answers itself (outside the ModelArts families). */
export const tokenOperations = {
  KeystoneCreateUserTokenByPassword: operation({
    id: 'KeystoneCreateUserTokenByPassword',
    method: 'POST',
    path: '/v3/auth/tokens',
    tags: ['IAM'],
    summary: 'Obtain a user token (password method)',
    body: TokenRequest,
    responses: { 201: TokenResponse },
  }),
};
