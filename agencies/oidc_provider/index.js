// The demo's OpenID Connect provider: a VNeID-style sign-in for Liên thông's console (`lienthong demo`, tests).
//
// A real provider (panva's oidc-provider, pinned in package-lock.json) with the demo's people as accounts and one
// client, the hub: authorization code with PKCE S256 required. Its sign-in page lists the demo accounts and asks
// for the demo password. DEMO ONLY: keys are made at start and everything lives in memory.
//
// Environment:
//   OIDC_HOST, OIDC_PORT      where to listen (default 127.0.0.1, 0 = any free port)
//   OIDC_ACCOUNTS             JSON list of {"sub": "nguyen.thi.lan", "name": "Nguyễn Thị Lan"}
//   OIDC_CLIENT_ID            the hub's client id
//   OIDC_CLIENT_SECRET        its secret; empty: a public client (PKCE only)
//   OIDC_REDIRECT_URIS        comma list of the hub's callback URLs (…/dang-nhap/xong)
//   OIDC_DEMO_PASSWORD        the password every demo account signs in with
// Once listening it prints one JSON line: {"issuer": "http://127.0.0.1:PORT"}.

import http from 'node:http';
import { randomBytes } from 'node:crypto';
import Provider from 'oidc-provider';

const env = process.env;
const accounts = new Map(JSON.parse(env.OIDC_ACCOUNTS || '[]').map((a) => [a.sub, a]));
const password = env.OIDC_DEMO_PASSWORD || '';
if (!password) throw new Error('OIDC_DEMO_PASSWORD is required');
const secret = env.OIDC_CLIENT_SECRET || '';
const redirectUris = (env.OIDC_REDIRECT_URIS || '').split(',').map((u) => u.trim()).filter(Boolean);
if (!env.OIDC_CLIENT_ID || redirectUris.length === 0) throw new Error('OIDC_CLIENT_ID and OIDC_REDIRECT_URIS are required');

const escape = (text) => String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function configuration() {
  return {
    clients: [{
      client_id: env.OIDC_CLIENT_ID,
      ...(secret ? { client_secret: secret, token_endpoint_auth_method: 'client_secret_basic' }
        : { token_endpoint_auth_method: 'none' }),
      redirect_uris: redirectUris,
      grant_types: ['authorization_code'],
      response_types: ['code'],
    }],
    pkce: { required: () => true },
    claims: { openid: ['sub'], profile: ['name'] },
    conformIdTokenClaims: false, // the ID token carries the name (the hub shows nothing else from the provider)
    cookies: { keys: [randomBytes(32).toString('hex')] },
    features: { devInteractions: { enabled: false } },
    interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
    async findAccount(ctx, sub) {
      const account = accounts.get(sub);
      if (!account) return undefined;
      return { accountId: sub, claims: async () => ({ sub, name: account.name }) };
    },
    async loadExistingGrant(ctx) { // the hub is first-party: no consent screen
      const grantId = ctx.oidc.result?.consent?.grantId || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
      if (grantId) return ctx.oidc.provider.Grant.find(grantId);
      const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId });
      grant.addOIDCScope('openid profile');
      await grant.save();
      return grant;
    },
  };
}

function signInPage(uid, message) {
  const options = [...accounts.values()]
    .map((a) => `<li><label><input type="radio" name="account" value="${escape(a.sub)}" required> ${escape(a.name)} <code>${escape(a.sub)}</code></label></li>`)
    .join('\n');
  return `<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>Đăng nhập (định danh thử nghiệm)</title></head>
<body><h1>Định danh điện tử — bản thử nghiệm (demo)</h1>
<p><strong>Đây là nhà cung cấp định danh dùng cho bản demo</strong>, không phải VNeID. Chọn một tài khoản demo và nhập mật khẩu demo.</p>
${message ? `<p role="alert">${escape(message)}</p>` : ''}
<form method="post" action="/interaction/${escape(uid)}/login">
<ul>${options}</ul>
<label>Mật khẩu <input type="password" name="password" required></label>
<button type="submit">Đăng nhập</button>
</form></body></html>`;
}

async function formOf(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

function send(res, status, body) {
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
  res.end(body);
}

async function interaction(provider, req, res) {
  const details = await provider.interactionDetails(req, res);
  if (req.method === 'GET') return send(res, 200, signInPage(details.uid, ''));
  const form = await formOf(req);
  const sub = form.get('account') || '';
  if (!accounts.has(sub) || form.get('password') !== password) {
    return send(res, 401, signInPage(details.uid, 'Tài khoản hoặc mật khẩu không đúng.'));
  }
  return provider.interactionFinished(req, res, { login: { accountId: sub } }, { mergeWithLastSubmission: false });
}

const server = http.createServer();
server.listen(Number(env.OIDC_PORT || 0), env.OIDC_HOST || '127.0.0.1', () => {
  const { address, port } = server.address();
  const issuer = `http://${address}:${port}`;
  const provider = new Provider(issuer, configuration());
  const callback = provider.callback();
  server.on('request', (req, res) => {
    if (!req.url.startsWith('/interaction/')) return callback(req, res);
    return interaction(provider, req, res).catch((err) => {
      send(res, 400, `<p>Phiên đăng nhập không hợp lệ hoặc đã hết hạn: ${escape(err.message)}</p>`);
    });
  });
  process.stdout.write(`${JSON.stringify({ issuer })}\n`);
});
for (const signal of ['SIGTERM', 'SIGINT']) process.on(signal, () => server.close(() => process.exit(0)));
