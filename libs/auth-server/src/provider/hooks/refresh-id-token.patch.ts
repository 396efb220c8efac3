import type Provider from 'oidc-provider';

interface IdTokenPrototype {
  issue: (this: IdTokenPrototype, options?: { use?: string }) => Promise<string | undefined>;
  ctx?: { oidc?: { params?: { grant_type?: unknown } } };
}

/**
 * Leaves the ID token out of refresh responses (`idTokenOnRefresh: false`, the default): the
 * engine would sign a new one for every refresh of an `openid` grant, and OpenID Connect lets a
 * refresh response omit it (Core 1.0 §12.2). The engine has no setting for it, so its `IdToken`
 * model answers `undefined` there (the response then has no `id_token` member); ID tokens of the
 * code exchange, logout and userinfo are untouched.
 */
export function omitRefreshIdTokens(provider: Provider): void {
  const model = (provider as unknown as { IdToken: { prototype: IdTokenPrototype } }).IdToken;
  const issue = model.prototype.issue;
  model.prototype.issue = function (this: IdTokenPrototype, options) {
    if (options?.use === 'idtoken' && this.ctx?.oidc?.params?.grant_type === 'refresh_token') {
      return Promise.resolve(undefined);
    }
    return issue.call(this, options);
  };
}
