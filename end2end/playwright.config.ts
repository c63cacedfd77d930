import { defineConfig, devices } from '@playwright/test';

// Each project gets its own server (start-server.sh) with its own fresh
// SQLite file and demo data, so per-account state such as the daily lockout
// never leaks between projects that run at the same time. scripts/e2e.sh
// picks three free ports.
// A fourth server has a 3-second phone window, for the expiry test, and
// another credit union's profile (institution.toml); the other three load
// the core system's files in records/ before they start. A fifth holds no
// records: it reads them from the stand-in host gateway, which serves
// records/ from the bank's own database. A sixth serves the staff console
// at http://localhost (WebAuthn refuses IP addresses).
const ports = (process.env.E2E_PORTS ?? '3101,3102,3103,3104,3105,3106').split(',').map(Number);
export const shortWindowURL = `http://127.0.0.1:${ports[3]}`;
export const otherInstitutionURL = shortWindowURL;
export const gatewayURL = `http://127.0.0.1:${ports[4]}`;
export const staffPort = ports[5];
export const staffURL = `http://localhost:${staffPort}`;
const serverArgs = [' 120 "" records', ' 120 "" records', ' 120 "" records', ' 3 institution.toml', ' 120 "" records gateway', ' 120'];
const names = ['desktop', 'pixel-7', 'iphone-14'];
const base = (i: number) => `http://127.0.0.1:${ports[i]}`;

// Debian's Chromium, never a downloaded browser. The flags keep it from
// reaching for the network this machine does not have.
const launchOptions = {
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ],
};

export default defineConfig({
  testDir: './tests',
  fullyParallel: true,
  workers: 2,
  forbidOnly: !!process.env.CI,
  retries: 0,
  reporter: [['list']],
  timeout: 30_000,
  expect: { timeout: 10_000 },
  use: { trace: 'retain-on-failure', locale: 'ja-JP', timezoneId: 'Asia/Tokyo' },
  projects: [
    { name: names[0], use: { ...devices['Desktop Chrome'], launchOptions, baseURL: base(0) } },
    { name: names[1], use: { ...devices['Pixel 7'], launchOptions, baseURL: base(1) } },
    // The iPhone profile defaults to WebKit; force Chromium with its viewport,
    // touch and user agent.
    {
      name: names[2],
      use: { ...devices['iPhone 14'], browserName: 'chromium', launchOptions, baseURL: base(2) },
    },
  ],
  webServer: ports.map((port, i) => ({
    command: `${i === 5 ? 'E2E_HOST=localhost ' : ''}sh ./start-server.sh ${port}${serverArgs[i]}`,
    url: `http://127.0.0.1:${port}/.well-known/oauth-authorization-server`,
    reuseExistingServer: false,
    timeout: 120_000,
    stdout: 'ignore' as const,
    stderr: 'pipe' as const,
  })),
});
