// EXPERIMENT, not product code: prototypes of the fixes suggested in BENCHMARKS.md, applied by
// monkey-patching the compiled classes in dist/, so their effect can be measured before anyone
// changes the product:
//
//   BENCH_SERVER_NODE_OPTIONS="--import ./bench/experiments/fast-paths.mjs" node bench/run.mjs
//   FAST_PATHS=replay,clientmeta,bearercache,rs-single,pg-prepared   (default: all of them)
//
// Each patch mirrors a concrete change described in BENCHMARKS.md ("Suggested fixes"); the patches
// keep the product's behaviour (same responses, same errors) for the benchmarked paths.
import { createRequire } from 'node:module';
import { decodeJwt } from 'jose';

const root = new URL('../../dist/', import.meta.url);
const wanted = new Set(
  (process.env.FAST_PATHS ?? 'replay,clientmeta,bearercache,rs-single,pg-prepared').split(','),
);
const applied = [];

const optional = async (path) => {
  try {
    return await import(new URL(path, root).href);
  } catch {
    return undefined;
  }
};

const adapterModule = await optional('libs/auth-server/src/persistence/typeorm-oidc.adapter.js');

// Fix 1: ReplayDetection.unique() does find() + insert; the adapter's insert is already atomic
// (INSERT-only, unique violation → ReplayDetectedError), so the SELECT is redundant.
if (wanted.has('replay') && adapterModule) {
  const proto = adapterModule.TypeOrmOidcAdapter.prototype;
  const find = proto.find;
  proto.find = function (id) {
    if (this.model === 'ReplayDetection') return Promise.resolve(undefined);
    return find.call(this, id);
  };
  applied.push('replay');
}

// Fix 2: the registry parses the stored metadata JSON on every lookup (2× findClientMetadata and
// 1× find per private_key_jwt token request). Memoise the parsed views per cached entity object.
// (Skipped when the registry already memoises: it then has a `views` WeakMap.)
const registryModule = await optional('libs/auth-server/src/clients/client-registry.service.js');
if (
  wanted.has('clientmeta') &&
  registryModule &&
  !registryModule.ClientRegistryService.prototype.view
) {
  const proto = registryModule.ClientRegistryService.prototype;
  const metaMemo = new WeakMap();
  const clientMemo = new WeakMap();
  const findClientMetadata = proto.findClientMetadata;
  proto.findClientMetadata = async function (clientId) {
    const entity = await this.findEntity(clientId);
    if (!entity) return undefined;
    if (!metaMemo.has(entity)) metaMemo.set(entity, await findClientMetadata.call(this, clientId));
    const memo = metaMemo.get(entity);
    return memo && { ...memo };
  };
  proto.find = async function (clientId) {
    const entity = await this.findEntity(clientId);
    if (!entity) return undefined;
    if (!clientMemo.has(entity)) clientMemo.set(entity, registryModule.toClient(entity));
    return clientMemo.get(entity);
  };
  applied.push('clientmeta');
}

// Fix 3: introspection verifies the caller's bearer token (ES256) on every call. Cache the caller
// per Authorization header until the token's exp (bounded map); revocation of the *introspected*
// token is still checked on every call.
const tokenEndpoints = await optional('libs/auth-server/src/tokens/token-endpoints.controller.js');
if (wanted.has('bearercache') && tokenEndpoints) {
  const proto = tokenEndpoints.TokenEndpointsController.prototype;
  const caller = proto.caller;
  const cache = new Map();
  proto.caller = async function (req, params, authorization, endpoint) {
    const bearer = endpoint === 'introspect' && authorization?.toLowerCase().startsWith('bearer ');
    if (!bearer) return caller.call(this, req, params, authorization, endpoint);
    const hit = cache.get(authorization);
    if (hit && hit.exp > Date.now() / 1000 && req.is('application/x-www-form-urlencoded')) {
      return hit.value;
    }
    const value = await caller.call(this, req, params, authorization, endpoint);
    const exp = Number(decodeJwt(authorization.slice(7).trim()).exp ?? 0);
    if (cache.size >= 10_000) cache.delete(cache.keys().next().value);
    cache.set(authorization, { value, exp });
    return value;
  };
  applied.push('bearercache');
}

// Fix 4 (resource server): SmartJwtStrategy verifies every JWT twice (jose, then passport-jwt's
// jsonwebtoken, which also re-imports the PEM key). Verify once with jose and build the context.
const strategyModule = await optional('libs/resource-server/src/token/smart-jwt.strategy.js');
const verificationModule = await optional(
  'libs/resource-server/src/token/jwt-verification.service.js',
);
const contextModule = await optional(
  'libs/resource-server/src/token/smart-token-context.factory.js',
);
const extractorModule = await optional('libs/resource-server/src/token/bearer-token.extractor.js');
if (
  wanted.has('rs-single') &&
  strategyModule &&
  verificationModule &&
  contextModule &&
  extractorModule
) {
  const seen = { verifier: undefined };
  const vproto = verificationModule.JwtVerificationService.prototype;
  const verify = vproto.verify;
  vproto.verify = function (token) {
    // The strategy's verifier, captured on its first call (it is private to the strategy).
    seen.verifier ??= this;
    return verify.call(this, token);
  };
  const sproto = strategyModule.SmartJwtStrategy.prototype;
  const strategyVerify = sproto.verify;
  sproto.verify = async function (request) {
    const token = extractorModule.extractBearerToken(request);
    if (!seen.verifier || !token || !extractorModule.isJwsCompact(token)) {
      return strategyVerify.call(this, request);
    }
    const { claims } = await seen.verifier.verify(token);
    return contextModule.toSmartTokenContext(claims, 'jwt');
  };
  applied.push('rs-single');
}

// Fix 5 (PostgreSQL): the adapter's fixed SQL goes out as unnamed statements, so PostgreSQL parses
// and plans every one. Named statements are prepared once per pooled connection.
if (wanted.has('pg-prepared')) {
  const pg = createRequire(new URL('../../package.json', import.meta.url))('pg');
  const query = pg.Client.prototype.query;
  const names = new Map();
  pg.Client.prototype.query = function (config, values, callback) {
    if (typeof config === 'string' && Array.isArray(values) && config.includes('oidc_payload')) {
      let name = names.get(config);
      if (!name) {
        name = `smart_oidc_${names.size}`;
        names.set(config, name);
      }
      return query.call(this, { name, text: config, values }, callback);
    }
    return query.call(this, config, values, callback);
  };
  applied.push('pg-prepared');
}

process.stderr.write(`[fast-paths experiment] applied: ${applied.join(', ') || 'none'}\n`);
