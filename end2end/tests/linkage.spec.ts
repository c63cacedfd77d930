import { expect, Page, test } from '@playwright/test';
import { readdirSync, readFileSync } from 'node:fs';
import { expectAccessible } from './helpers';
import { carrierCall, taro, toPhoneStep } from './call';

// These tests all call from Taro's phone, so they run one after another:
// a call verifies the newest open challenge for its caller.
test.describe.configure({ mode: 'serial' });

/** All three stages for Taro, with the signed call sent by the test. */
async function toConsent(page: Page, request: import('@playwright/test').APIRequestContext, email: string) {
  await toPhoneStep(page, taro, email);
  await expect(page.getByTestId('masked-phone')).toHaveText('*****3333');
  await page.getByRole('button', { name: '電話番号の決定' }).click();
  await expect(page.getByTestId('countdown')).toContainText('残り');
  expect(await carrierCall(page, request, '+819011113333')).toBe('verified');
  // No click: the screen sees the verified call and moves on.
  await expect(page.getByRole('heading', { level: 1, name: 'API連携認証（キャッシュカード暗証番号認証）' })).toBeVisible();
  await page.getByLabel('キャッシュカードの暗証番号').fill('1234');
  await page.getByRole('button', { name: '次へ' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'API連携認証（情報連携認可）' })).toBeVisible();
}

/** The .eml the server wrote for `email`, if any (the suite runs without SMTP). */
function mailTo(baseURL: string, email: string): string | undefined {
  const dir = `${process.env.TMPDIR ?? '/tmp'}/renkei-e2e-outbox-${new URL(baseURL).port}`;
  let files: string[] = [];
  try {
    files = readdirSync(dir);
  } catch {
    return undefined;
  }
  return files.map((f) => readFileSync(`${dir}/${f}`, 'utf8')).find((m) => m.includes(`To: ${email}`));
}

test('a signed call moves SOA209 on by itself; a wrong PIN is refused, the right one reaches consent', async ({ page, request }) => {
  await toPhoneStep(page, taro, 'pin@example.jp');
  await page.getByRole('button', { name: '電話番号の決定' }).click();
  await expect(page.getByTestId('countdown')).toContainText('残り');
  expect(await carrierCall(page, request, '09011113333')).toBe('verified');
  await expect(page.getByRole('heading', { level: 1, name: 'API連携認証（キャッシュカード暗証番号認証）' })).toBeVisible();
  const pin = page.getByLabel('キャッシュカードの暗証番号');
  await expect(pin).toHaveAttribute('type', 'password');
  await expect(pin).toHaveAttribute('inputmode', 'numeric');
  await expect(pin).toHaveAttribute('autocomplete', 'off');
  await expectAccessible(page);
  await pin.fill('0000');
  await page.getByRole('button', { name: '次へ' }).click();
  const dialog = page.getByRole('dialog', { name: 'エラー' });
  await expect(dialog).toContainText('本人認証情報が誤っています。本人認証項目をご確認のうえ、再度入力して下さい。');
  await dialog.getByRole('button', { name: 'OK' }).click();
  await expect(pin).toHaveValue('');
  await pin.fill('1234');
  await page.getByRole('button', { name: '次へ' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'API連携認証（情報連携認可）' })).toBeVisible();
});

test('許可する waits for the terms; the app gets its authorization and the mail is written', async ({ page, request, baseURL }, info) => {
  const email = `allow-${info.project.name}@example.jp`;
  await toConsent(page, request, email);
  await expect(page.getByText('しんくみアプリ with CRECOが以下の許可を求めています。')).toBeVisible();
  await expect(page.getByText('口座情報・明細情報へのアクセス')).toBeVisible();
  await expect(page.getByText('30日')).toBeVisible();
  const allow = page.getByRole('button', { name: '許可する' });
  await expect(allow).toBeDisabled();
  await expectAccessible(page);
  await page.getByLabel('を確認し、同意します。').check();
  await expect(allow).toBeEnabled();
  await allow.click();
  await expect(page.getByRole('heading', { name: '口座の連携が完了しました' })).toBeVisible();
  // 30 days from the server's (fixed) 2026-11-26 10:00 JST.
  await expect(page.getByTestId('consent-expiry')).toContainText('2026年12月26日');
  await expect(page.getByText('access_token, token_type')).toBeVisible();
  // The demo app is a FAPI client: its tokens are bound with DPoP.
  await expect(page.getByText('DPoP', { exact: true })).toBeVisible();
  await expect.poll(() => mailTo(baseURL!, email), { timeout: 10_000 }).toBeTruthy();

  // The app reads the account with its DPoP-bound token, like a household-budget app.
  await page.getByRole('link', { name: '口座の情報を見る' }).click();
  await expect(page.getByRole('heading', { level: 1, name: '口座の残高' })).toBeVisible();
  await expect(page.getByTestId('balance')).toHaveText(/^[\d,]+円$/);
  await expect(page.getByText('店番115 普通預金 ***0026')).toBeVisible();
  await expect(page.getByRole('img', { name: /残高の推移/ })).toBeVisible();
  await expect(page.getByRole('heading', { level: 3, name: '2026年11月' })).toBeVisible();
  await expect(page.getByText(/入金合計 [\d,]+円 ／ 出金合計 [\d,]+円/).first()).toBeVisible();
  await expect(page.getByText('ｷﾕｳﾖ ｶ)ﾃﾞ-ﾀｼｮｳｼﾞ').first()).toBeVisible();
  await expect(page.getByText(/元本 1,000,000円（年0\.20%）/)).toBeVisible();
  await expectAccessible(page);

  // 連携を解除 revokes the grant: the app is back to unlinked.
  await page.getByRole('button', { name: '連携を解除' }).click();
  await expect(page.getByRole('link', { name: '口座を連携する' })).toBeVisible();
  await page.reload();
  await expect(page.getByRole('link', { name: '口座を連携する' })).toBeVisible();
});

test('Back after 許可する shows that the linkage is complete, and sends nothing again', async ({ page, request }, info) => {
  await toConsent(page, request, `back-${info.project.name}@example.jp`);
  await page.getByLabel('を確認し、同意します。').check();
  await page.getByRole('button', { name: '許可する' }).click();
  await expect(page.getByRole('heading', { name: '口座の連携が完了しました' })).toBeVisible();
  await page.goBack();
  await expect(page.getByRole('heading', { level: 1, name: 'API連携認証の完了' })).toBeVisible();
  await expect(page).toHaveURL(/\/flow\/completed$/);
  await expect(page.getByText('API連携認証は完了しています。')).toBeVisible();
  await expect(page.getByRole('button', { name: '許可する' })).toHaveCount(0);
  await expectAccessible(page);
});

test('拒否する returns access_denied to the app and the notice mail is written', async ({ page, request, baseURL }, info) => {
  const email = `deny-${info.project.name}@example.jp`;
  await toConsent(page, request, email);
  await page.getByRole('button', { name: '拒否する' }).click();
  await expect(page.getByRole('heading', { name: '口座の連携を中止しました' })).toBeVisible();
  await expect(page.getByText('access_denied')).toBeVisible();
  await expect.poll(() => mailTo(baseURL!, email), { timeout: 10_000 }).toBeTruthy();
});
