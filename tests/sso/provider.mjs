// A real OpenID provider (npm oidc-provider) for the tests and `make sso-demo`.
//
//   node tests/sso/provider.mjs PORT
//
// It prints "ready <issuer>" once it listens. Its people sign in on the provider's own
// development login page (any password); their claims are below. Two test-only addresses:
//   POST /_test/rotate  sign with a new key from now on (the old one stays in the JWKS)
//   POST /_test/forget  sign with a key that is in no JWKS (a forged signature)
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import http from 'node:http';

import Provider from 'oidc-provider';

const port = Number(process.argv[2] || 5301);
const issuer = `http://127.0.0.1:${port}`;

// Who can sign in here: Ballerup's CVR and municipality code, a vendor, an organisation that
// takes no part in Samspil, and someone with the e-mail of Ballerup's demo product owner.
const ACCOUNTS = {
  anne: { name: 'Anne Andersen', email: 'anne@ballerup.example', 'nemlogin.cvr': '58271713',
          municipality_code: '151', persistent_professional_id: 'ppid-anne-0001' },
  bo: { name: 'Bo Berg', email: 'bo@nordlys.example', 'nemlogin.cvr': '31000009',
        persistent_professional_id: 'ppid-bo-0002' },
  ukendt: { name: 'Uma Ukendt', email: 'uma@ukendt.example', 'nemlogin.cvr': '12345674' },
  po: { name: 'Pia Olsen', email: 'po@ballerup.example', 'nemlogin.cvr': '58271713',
        municipality_code: '151' },
};

function newKey() {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { ...privateKey.export({ format: 'jwk' }), kid: randomUUID(), alg: 'RS256', use: 'sig' };
}

function build(keys) {
  const provider = new Provider(issuer, {
    clients: [{
      client_id: 'samspil',
      client_secret: 'samspil-test-secret',
      // Native: on 127.0.0.1 any port is accepted (RFC 8252), so every test server fits.
      application_type: 'native',
      redirect_uris: ['http://127.0.0.1/login/sso/kommune/callback'],
      grant_types: ['authorization_code'],
      response_types: ['code'],
    }],
    jwks: { keys },
    pkce: { required: () => true },
    scopes: ['openid', 'email', 'profile', 'professional'],
    claims: {
      openid: ['sub'], email: ['email'], profile: ['name'],
      professional: ['nemlogin.cvr', 'municipality_code', 'persistent_professional_id'],
    },
    // The claims go in the ID token itself, as the brokers do.
    conformIdTokenClaims: false,
    findAccount: (ctx, id) => {
      if (!ACCOUNTS[id]) return undefined;
      return { accountId: id, claims: () => ({ sub: id, ...ACCOUNTS[id] }) };
    },
    ttl: { IdToken: 3600, AccessToken: 3600, AuthorizationCode: 60 },
    cookies: { keys: ['samspil-test-provider'] },
  });
  provider.proxy = false;
  return provider;
}

let keys = [newKey()];
let provider = build(keys);

const server = http.createServer((req, res) => {
  if (req.method === 'POST' && req.url === '/_test/rotate') {
    keys = [newKey(), keys[0]];
    provider = build(keys);
    res.end('rotated');
    return;
  }
  if (req.method === 'POST' && req.url === '/_test/forget') {
    // Signs with a key no JWKS shows: what a forged token looks like to the relying party.
    const secret = newKey();
    provider = build([secret]);
    provider.jwksHidden = true;
    res.end('forgotten');
    return;
  }
  if (req.url === '/jwks' && provider.jwksHidden) {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ keys: keys.map(({ kty, n, e, kid, alg, use }) => ({ kty, n, e, kid, alg, use })) }));
    return;
  }
  provider.callback()(req, res);
});

server.listen(port, '127.0.0.1', () => console.log(`ready ${issuer}`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
