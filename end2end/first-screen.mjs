// The customer's first screen (SOA201) on a phone, cold: bytes on the wire
// and the time until it can be used, under Lighthouse's mobile throttling
// (150 ms RTT, 1.6 Mbps down, 750 kbps up, 4x slower CPU) in Debian's
// Chromium. Not a test: scripts/first-screen.sh prints the figures for the
// README. Usage: node first-screen.mjs BASE_URL
import { chromium } from 'playwright';
import { createHash, randomBytes } from 'node:crypto';

const base = process.argv[2];
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const context = await browser.newContext({ viewport: { width: 412, height: 915 }, isMobile: true });
const page = await context.newPage();
const cdp = await context.newCDPSession(page);
await cdp.send('Network.enable');
await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
await cdp.send('Network.emulateNetworkConditions', {
  offline: false,
  latency: 150,
  downloadThroughput: (1638.4 * 1024) / 8,
  uploadThroughput: (750 * 1024) / 8,
});
await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
let bytes = 0;
cdp.on('Network.loadingFinished', (e) => { bytes += e.encodedDataLength; });

// An authorization request as the demo's plain client sends it.
const verifier = randomBytes(32).toString('base64url');
const challenge = createHash('sha256').update(verifier).digest('base64url');
const query = new URLSearchParams({
  response_type: 'code', client_id: 'demo-creco', redirect_uri: `${base}/demo/callback`,
  scope: 'account_info', state: 'first-screen', code_challenge: challenge,
  code_challenge_method: 'S256',
});
const started = Date.now();
await page.goto(`${base}/oauth/authorize?${query}`);
// Usable: the flow is loaded and 次へ can be pressed.
await page.getByRole('button', { name: '次へ' }).and(page.locator(':enabled')).waitFor({ timeout: 60_000 });
const interactive = Date.now() - started;
console.log(`SOA201 cold under mobile throttling: ${(bytes / 1024).toFixed(1)} KB on the wire, ` +
  `usable after ${(interactive / 1000).toFixed(2)} s`);
await browser.close();
