import { expect, test } from '@playwright/test';
import { shortWindowURL } from '../playwright.config';
import { taro, toPhoneStep } from './call';

// This server gives the customer 3 seconds instead of 120.
test.use({ baseURL: shortWindowURL });

test('when the phone window runs out the attempt is void and the customer starts again at SOA201', async ({ page }) => {
  await toPhoneStep(page, taro);
  await page.getByRole('button', { name: '電話番号の決定' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'API連携認証（電話番号認証）' })).toBeVisible();
  const alert = page.getByRole('alert').filter({ hasText: '120秒経過後の「確定する」ボタン選択は無効となります。' });
  await expect(alert).toBeVisible({ timeout: 10_000 });
  await page.getByRole('button', { name: 'API連携認証の最初に戻る' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'API連携認証（ご利用口座情報入力）' })).toBeVisible();
});
