// Loopback OpenID Connect provider for Podium's single-sign-on tests.
//
// Usage: OIDC_PORT=<port> [OIDC_ID_TOKEN_TTL=<seconds>] node tests/oidc/provider.mjs
//
// Listens on 127.0.0.1 only (plain http), issuer http://127.0.0.1:<port>. Prints exactly one
// line, `ready <issuer>`, to stdout once listening; everything else goes to stderr.
//
// Sign-in uses oidc-provider's built-in development interactions: type any login, any
// password. Consent is granted automatically (see loadExistingGrant), so a browser only ever
// sees the login page. The login name is the account id and encodes the claims, statelessly:
//
//   [flag1,flag2,...:]email
//
//   unverified        -> email_verified false (otherwise true)
//   role=<value>      -> podium_role: <value>
//   name=<Some Name>  -> name (otherwise derived from the email's local part)
//
// e.g. `alex.morgan@acme.example`, `unverified,role=hr:kim@acme.example`.
// `sub` is the full login string.

import { generateKeyPairSync, randomUUID } from 'node:crypto';

import Provider from 'oidc-provider';

// Keep stdout for the single `ready` line: oidc-provider prints its notices with console.info.
console.info = (...args) => console.error(...args);
console.log = (...args) => console.error(...args);

const port = Number.parseInt(process.env.OIDC_PORT ?? '', 10);
if (!Number.isInteger(port) || port <= 0 || port > 65535) {
  console.error('OIDC_PORT must be set to a TCP port number');
  process.exit(2);
}

const idTokenTtl = Number.parseInt(process.env.OIDC_ID_TOKEN_TTL ?? '600', 10);
if (!Number.isInteger(idTokenTtl) || idTokenTtl <= 0) {
  console.error('OIDC_ID_TOKEN_TTL must be a positive number of seconds');
  process.exit(2);
}

const HOST = '127.0.0.1';
const issuer = `http://${HOST}:${port}`;

// Redirect URIs registered verbatim. Loopback /sso/callback on any port is accepted by the
// redirectUriAllowed override below, since the app's port is only known at run time.
const REGISTERED_REDIRECT_URIS = [
  'https://testserver/sso/callback',
  'http://127.0.0.1/sso/callback',
  'http://127.0.0.1/capture',
];

function isLoopbackCallback(value) {
  let url;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  return url.protocol === 'http:'
    && url.hostname === HOST
    && url.pathname === '/sso/callback'
    && url.username === ''
    && url.password === ''
    && url.search === ''
    && url.hash === ''
    // The raw string must be the canonical form (no userinfo tricks, no trailing junk).
    && value === `http://${HOST}${url.port ? `:${url.port}` : ''}/sso/callback`;
}

function client(clientId, clientSecret) {
  return {
    client_id: clientId,
    client_secret: clientSecret,
    // client_secret_post is accepted too: oidc-provider lets a client registered with either
    // client_secret_basic or client_secret_post authenticate with both.
    token_endpoint_auth_method: 'client_secret_basic',
    grant_types: ['authorization_code'],
    response_types: ['code'],
    redirect_uris: REGISTERED_REDIRECT_URIS,
    application_type: 'web',
  };
}

const CLIENTS = [
  client('podium', 'podium-test-secret-0123456789'),
  client('other-client', 'other-test-secret-0123456789'),
];
const FIRST_PARTY = new Set(CLIENTS.map((c) => c.client_id));

const GRANTED_SCOPE = 'openid email profile podium';
const GRANTED_CLAIMS = ['sub', 'email', 'email_verified', 'name', 'podium_role'];

function nameFromEmail(email) {
  const local = email.split('@', 1)[0];
  return local
    .split(/[._+-]+/)
    .filter(Boolean)
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join(' ');
}

export function parseLogin(login) {
  const sep = login.lastIndexOf(':');
  const email = (sep === -1 ? login : login.slice(sep + 1)).trim();
  const flags = sep === -1 ? [] : login.slice(0, sep).split(',').map((f) => f.trim()).filter(Boolean);
  const claims = { email, email_verified: true, name: nameFromEmail(email) };
  for (const flag of flags) {
    const eq = flag.indexOf('=');
    const key = eq === -1 ? flag : flag.slice(0, eq);
    const value = eq === -1 ? undefined : flag.slice(eq + 1);
    if (key === 'unverified' && value === undefined) {
      claims.email_verified = false;
    } else if (key === 'role' && value) {
      claims.podium_role = value;
    } else if (key === 'name' && value) {
      claims.name = value;
    } else {
      throw new Error(`unknown login flag ${JSON.stringify(flag)} in ${JSON.stringify(login)}`);
    }
  }
  return claims;
}

function signingKey() {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { ...privateKey.export({ format: 'jwk' }), kid: randomUUID(), alg: 'RS256', use: 'sig' };
}

const configuration = {
  clients: CLIENTS,
  jwks: { keys: [signingKey()] },
  cookies: {
    keys: ['podium-oidc-test-cookie-key-0123456789'],
    // Cookies are not isolated by port: prefix them so they never collide with the app's
    // cookies when both run on 127.0.0.1 in a browser test.
    names: {
      session: 'oidc_test_session',
      interaction: 'oidc_test_interaction',
      resume: 'oidc_test_interaction_resume',
    },
  },
  claims: {
    openid: ['sub'],
    email: ['email', 'email_verified'],
    profile: ['name', 'podium_role'],
    podium: ['podium_role'],
  },
  // Put scope-requested claims (email, email_verified, name, podium_role) in the ID token too,
  // not only at the userinfo endpoint.
  conformIdTokenClaims: false,
  responseTypes: ['code'],
  pkce: { required: () => true },
  features: {
    devInteractions: { enabled: true },
    userinfo: { enabled: true },
    rpInitiatedLogout: { enabled: true },
    revocation: { enabled: false },
    introspection: { enabled: false },
  },
  ttl: {
    AccessToken: 600,
    AuthorizationCode: 60,
    ClientCredentials: 600,
    Grant: 3600,
    IdToken: idTokenTtl,
    Interaction: 3600,
    Session: 3600,
  },
  async findAccount(_ctx, id) {
    const claims = parseLogin(id);
    return {
      accountId: id,
      async claims(_use, _scope) {
        return { sub: id, ...claims };
      },
    };
  },
  // Automatic consent for the test clients: grant every supported scope and claim up front so
  // the consent prompt never shows and a browser only sees the login page.
  async loadExistingGrant(ctx) {
    const { Grant } = ctx.oidc.provider;
    const clientId = ctx.oidc.client.clientId;
    const grantId = ctx.oidc.result?.consent?.grantId
      || ctx.oidc.session.grantIdFor(clientId);
    let grant = grantId ? await Grant.find(grantId) : undefined;
    if (!FIRST_PARTY.has(clientId)) {
      return grant;
    }
    grant ??= new Grant({ clientId, accountId: ctx.oidc.session.accountId });
    grant.addOIDCScope(GRANTED_SCOPE);
    grant.addOIDCClaims(GRANTED_CLAIMS);
    await grant.save();
    return grant;
  },
};

const provider = new Provider(issuer, configuration);

// Accept the app's loopback callback on whatever port it runs on, besides the registered URIs.
const { redirectUriAllowed } = provider.Client.prototype;
provider.Client.prototype.redirectUriAllowed = function testRedirectUriAllowed(value) {
  return redirectUriAllowed.call(this, value) || isLoopbackCallback(value);
};

// The built-in pages @import a web font from fonts.googleapis.com: drop it so a test browser
// never reaches for the internet (no console errors, no waiting on DNS).
const WEB_FONT_IMPORT = /@import url\(https:\/\/fonts\.googleapis\.com\/[^)]*\);?/g;
provider.use(async (ctx, next) => {
  await next();
  if (typeof ctx.body === 'string' && ctx.response.is('html')) {
    ctx.body = ctx.body.replace(WEB_FONT_IMPORT, '');
  }
});

provider.on('server_error', (_ctx, err) => {
  console.error('oidc-provider server_error:', err);
});

const server = provider.listen(port, HOST, () => {
  process.stdout.write(`ready ${issuer}\n`);
});
server.on('error', (err) => {
  console.error(`cannot listen on ${HOST}:${port}:`, err.message);
  process.exit(1);
});

function shutdown(signal) {
  console.error(`received ${signal}, shutting down`);
  server.close(() => process.exit(0));
  server.closeAllConnections?.();
  setTimeout(() => process.exit(0), 2000).unref();
}
process.on('SIGTERM', () => shutdown('SIGTERM'));
process.on('SIGINT', () => shutdown('SIGINT'));
