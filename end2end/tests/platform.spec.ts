import { expect, test } from '@playwright/test';
import { expectAccessible } from './helpers';
import { MIRAI, fromAccountToPhoneStep, fromPhoneStep, haruka } from './call';

// The shared platform (issue #22): the demo app offers the credit unions
// the platform serves, the seed's chosen unless the customer picks another,
// and links through the chosen union's own issuer, found by discovery. A
// customer of the second demo union (みらい信用組合, 2998) goes through
// every screen under /institutions/2998, in that union's name, colour and
// contact number, and the app reads that union's record.

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
  await fromAccountToPhoneStep(page, haruka, 'haruka@example.jp');
  await expect(page).toHaveURL(new RegExp(`${MIRAI}/flow/phone$`));
  await expect(page.locator('header .brand')).toHaveText('みらい信用組合');
  await fromPhoneStep(page, request, haruka, '1357', MIRAI);

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
