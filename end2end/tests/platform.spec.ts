import { expect, test } from '@playwright/test';
import { expectAccessible } from './helpers';
import { carrierCall } from './call';

// The shared platform (issue #22): the demo app offers the credit unions
// the platform serves, the seed's chosen unless the customer picks another,
// and links through the chosen union's own issuer, found by discovery. A
// customer of the second demo union (みらい信用組合, 2998) goes through
// every screen under /institutions/2998, in that union's name, colour and
// contact number, and the app reads that union's record.
const MIRAI = '/institutions/2998';

test('a customer of the second union links through its own screens and issuer', async ({ page, request }) => {
  await page.goto('/demo');
  await expect(page.locator('[data-union="2999"]')).toHaveText('しんくみ信用組合');
  await expect(page.locator('[data-union="2999"]')).toHaveAttribute('aria-current', 'true');
  await page.getByRole('link', { name: 'みらい信用組合' }).click();
  await expect(page.locator('[data-union="2998"]')).toHaveAttribute('aria-current', 'true');
  await page.getByRole('link', { name: '口座を連携する' }).click();

  // SOA201 is the second union's: its URL, name, colour, contact, title.
  await expect(page).toHaveURL(new RegExp(`${MIRAI}/flow/account$`));
  await expect(page.getByRole('heading', { level: 1, name: 'API連携認証（ご利用口座情報入力）' })).toBeVisible();
  await expect(page.locator('header .brand')).toHaveText('みらい信用組合');
  await expect(page.locator('header.brand-bar')).toHaveCSS('background-color', 'rgb(123, 45, 38)');
  await expect(page.getByRole('link', { name: '0120-298-298' })).toHaveAttribute('href', 'tel:0120298298');
  await expect(page).toHaveTitle('API連携認証 | みらい信用組合');
  await expect(page.getByText('しんくみ信用組合')).toHaveCount(0);
  await expectAccessible(page);

  await expect(page.getByRole('button', { name: '次へ' })).toBeEnabled();
  await page.getByLabel('店番').fill('201');
  await page.getByLabel('科目').selectOption({ label: '普通預金' });
  await page.getByLabel('口座番号').fill('0002468');
  await page.getByRole('button', { name: '次へ' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'API連携認証（お客様情報入力）' })).toBeVisible();
  await expect(page).toHaveURL(new RegExp(`${MIRAI}/flow/customer$`));
  await page.getByLabel('お名前').fill('ﾐﾗｲ ﾊﾙｶ');
  await page.getByLabel('西暦').fill('1985');
  await page.getByLabel('月', { exact: true }).selectOption('06');
  await page.getByLabel('日', { exact: true }).selectOption('15');
  await page.getByLabel('電話番号').fill('09022224444');
  await page.getByLabel(/^【必須】メールアドレス$/).fill('haruka@example.jp');
  await page.getByLabel('メールアドレス（確認用）').fill('haruka@example.jp');
  await page.getByRole('button', { name: '次へ' }).click();

  await expect(page.getByRole('heading', { level: 1, name: 'API連携認証（電話番号の確認）' })).toBeVisible();
  await expect(page.getByTestId('masked-phone')).toHaveText('*****4444');
  await page.getByRole('button', { name: '電話番号の決定' }).click();
  await expect(page.getByTestId('countdown')).toContainText('残り');
  expect(await carrierCall(page, request, '09022224444', MIRAI)).toBe('verified');
  await expect(page.getByRole('heading', { level: 1, name: 'API連携認証（キャッシュカード暗証番号認証）' })).toBeVisible();
  await page.getByLabel('キャッシュカードの暗証番号').fill('1357');
  await page.getByRole('button', { name: '次へ' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'API連携認証（情報連携認可）' })).toBeVisible();
  await expect(page).toHaveURL(new RegExp(`${MIRAI}/flow/consent$`));
  await expect(page.locator('header .brand')).toHaveText('みらい信用組合');
  await page.getByLabel('を確認し、同意します。').check();
  await page.getByRole('button', { name: '許可する' }).click();

  // Back in the app: the code exchanged at that union, its record read.
  await expect(page.getByRole('heading', { name: '口座の連携が完了しました' })).toBeVisible();
  await page.getByRole('link', { name: '口座の情報を見る' }).click();
  await expect(page.getByText('***2468')).toBeVisible();
});

test('口座を連携する alone starts at the seed\'s union', async ({ page }) => {
  await page.goto('/demo');
  await page.getByRole('link', { name: '口座を連携する' }).click();
  await expect(page).toHaveURL(/127\.0\.0\.1:\d+\/flow\/account$/);
  await expect(page.locator('header .brand')).toHaveText('しんくみ信用組合');
});
