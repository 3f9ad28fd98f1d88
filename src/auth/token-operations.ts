import { operation } from '#src/core/operation.ts';
import { AuthProjectsResponse, TokenRequest, TokenResponse } from './token-schemas.ts';

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
  KeystoneListAuthProjects: operation({
    id: 'KeystoneListAuthProjects',
    method: 'GET',
    path: '/v3/auth/projects',
    tags: ['IAM'],
    summary: "List the projects the caller's user can use",
    responses: { 200: AuthProjectsResponse },
  }),
};
