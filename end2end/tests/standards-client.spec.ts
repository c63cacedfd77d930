import { expect, test } from '@playwright/test';
import * as oauth from 'oauth4webapi';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MIRAI, fromAccountToPhoneStep, fromPhoneStep, haruka, ken, kenFromPhoneStep } from './call';

// An unmodified standards client — oauth4webapi, as published — links an
// account knowing nothing of Renkei but its issuer: discovery, PAR with
// private_key_jwt, PKCE, DPoP with the server's nonces (this server asks for
// them: start-server.sh), the customer's screens in the browser, the code
// exchanged, the account read. Where the server asks for a nonce the client
// retries once, as oauth4webapi's documentation says a client must.
const REDIRECT = 'https://kakeibo.example/cb';

/** `renkei-server` run on this server's database, as staff would. */
function renkei(port: string, args: string[]): string {
  const db = readFileSync(join(process.env.TMPDIR ?? tmpdir(), `renkei-e2e-db-${port}`), 'utf8').trim();
  const bin = process.env.RENKEI_BIN ?? join(__dirname, '..', '..', 'target', 'debug', 'renkei-server');
  return execFileSync(bin, args, {
    env: {
      PATH: process.env.PATH ?? '',
      DATABASE_URL: db,
      RENKEI_DEMO: '1',
      RENKEI_NOW: process.env.E2E_NOW ?? '2026-11-26T10:00:00+09:00',
      RENKEI_LOG: 'warn',
    },
  }).toString();
}

let nonceRetries = 0;

/** `call`, once more if the server answered `use_dpop_nonce` (the DPoP handle keeps the nonce). */
async function withNonceRetry<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    if (!oauth.isDPoPNonceError(err)) throw err;
    nonceRetries += 1;
    return call();
  }
}

test('oauth4webapi links an account by discovery alone, with PAR, private_key_jwt, DPoP and nonces', async ({ page }, testInfo) => {
  test.skip(testInfo.project.name !== 'desktop', 'one registration, one run');
  const base = testInfo.project.use.baseURL!;
  const port = new URL(base).port;
  const insecure = { [oauth.allowInsecureRequests]: true }; // the test server speaks http

  // Discovery, as any client starts. The test server's clock is fixed
  // days away from this machine's: the client corrects its own by the
  // server's `Date`, as oauth4webapi's clockSkew setting is meant for.
  const issuer = new URL(base);
  const discovery = await oauth.discoveryRequest(issuer, { algorithm: 'oauth2', ...insecure });
  const skew = Math.round((Date.parse(discovery.headers.get('date')!) - Date.now()) / 1000);
  const as = await oauth.processDiscoveryResponse(issuer, discovery);
  expect(as.pushed_authorization_request_endpoint).toBe(`${base}/oauth/par`);

  // The app's keys; the bank registers the public one.
  const signing = await oauth.generateKeyPair('ES256', { extractable: true });
  const jwk = { ...(await crypto.subtle.exportKey('jwk', signing.publicKey)), kid: 'kakeibo-1', use: 'sig', alg: 'ES256' };
  const dir = mkdtempSync(join(tmpdir(), 'renkei-o4w-'));
  writeFileSync(join(dir, 'jwks.json'), JSON.stringify({ keys: [jwk] }));
  const out = renkei(port, ['client', 'add', '--name', '家計簿アプリ（標準クライアント）', '--redirect-uri', REDIRECT,
    '--jwks-file', join(dir, 'jwks.json'), '--require-par', '--require-dpop',
    // Off at every union until switched on there (issue #31): on at both.
    '--enable-at', '2999', '--enable-at', '2998', '--reason', '提携開始']);
  const client: oauth.Client = { client_id: out.match(/client_id:?\s*(\S+)/)![1], [oauth.clockSkew]: skew };
  const clientAuth = oauth.PrivateKeyJwt({ key: signing.privateKey, kid: 'kakeibo-1' });
  const DPoP = oauth.DPoP(client, await oauth.generateKeyPair('ES256'));

  const first = await linkByDiscovery(page, as, client, clientAuth, DPoP, insecure, base, async () => {
    await fromAccountToPhoneStep(page, ken, 'kakeibo@example.jp');
    await kenFromPhoneStep(page, page.request);
  });
  expect(nonceRetries, 'the server asked for its nonce once, at the first proof').toBe(1);
  expect(first.accounts[0].branch).toBe('300');

  // The same registration at the platform's second union (issue #22):
  // only its issuer is new. Discovery finds its metadata by RFC 8414 path
  // insertion, and every endpoint, the iss and the account API are its.
  const secondIssuer = new URL(`${base}${MIRAI}`);
  const second = await oauth.processDiscoveryResponse(
    secondIssuer, await oauth.discoveryRequest(secondIssuer, { algorithm: 'oauth2', ...insecure }));
  expect(second.issuer).toBe(`${base}${MIRAI}`);
  expect(second.pushed_authorization_request_endpoint).toBe(`${base}${MIRAI}/oauth/par`);
  const theirs = await linkByDiscovery(page, second, client, clientAuth, DPoP, insecure, `${base}${MIRAI}`, async () => {
    await fromAccountToPhoneStep(page, haruka, 'kakeibo@example.jp');
    await fromPhoneStep(page, page.request, haruka, '1357', MIRAI);
  });
  expect(theirs.accounts[0].branch).toBe('201');
});

/** PAR, the customer's screens (`customer`), the code exchanged and the account read, at the authorization server `as`. */
async function linkByDiscovery(
  page: import('@playwright/test').Page,
  as: oauth.AuthorizationServer,
  client: oauth.Client,
  clientAuth: oauth.ClientAuth,
  DPoP: oauth.DPoPHandle,
  insecure: object,
  resourceBase: string,
  customer: () => Promise<void>,
) {
  // PAR.
  const code_verifier = oauth.generateRandomCodeVerifier();
  const state = oauth.generateRandomState();
  const params = {
    response_type: 'code', redirect_uri: REDIRECT, scope: 'account_info', state,
    code_challenge: await oauth.calculatePKCECodeChallenge(code_verifier), code_challenge_method: 'S256',
  };
  const pushed = await withNonceRetry(async () => oauth.processPushedAuthorizationResponse(
    as, client, await oauth.pushedAuthorizationRequest(as, client, clientAuth, params, { DPoP, ...insecure })));

  // The customer in the browser: the bank's screens, then back to the app.
  const back = new Promise<URL>((resolve) => {
    void page.route('https://kakeibo.example/**', async (route) => {
      resolve(new URL(route.request().url()));
      await route.fulfill({ status: 200, contentType: 'text/html', body: '<p>家計簿アプリ</p>' });
    });
  });
  const authorize = new URL(as.authorization_endpoint!);
  authorize.searchParams.set('client_id', client.client_id);
  authorize.searchParams.set('request_uri', pushed.request_uri);
  await page.goto(authorize.href);
  await customer();
  const callback = await back;
  await page.unroute('https://kakeibo.example/**');

  // The code (the response's iss checked by the client), exchanged with DPoP.
  const callbackParams = oauth.validateAuthResponse(as, client, callback, state);
  const tokens = await withNonceRetry(async () => oauth.processAuthorizationCodeResponse(
    as, client,
    await oauth.authorizationCodeGrantRequest(as, client, clientAuth, callbackParams, REDIRECT, code_verifier, { DPoP, ...insecure })));
  expect(tokens.token_type.toLowerCase()).toBe('dpop');

  // The account, read with the DPoP-bound token.
  const resp = await oauth.protectedResourceRequest(
    tokens.access_token, 'GET', new URL(`${resourceBase}/api/v1/accounts`), undefined, undefined, { DPoP, ...insecure });
  expect(resp.status).toBe(200);
  return resp.json();
}
