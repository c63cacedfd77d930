import { expect, test } from '@playwright/test';
import { expectAccessible, expectNoHorizontalScroll, startLinkage } from './helpers';

test('the demo app starts a linkage that lands on SOA201 with the seed content', async ({ page }) => {
  await startLinkage(page);
  await expect(page.getByRole('heading', { name: '⚠ 免責事項' })).toBeVisible();
  await expect(page.getByRole('heading', { name: '⚠ 注意事項' })).toBeVisible();
  await expect(page.getByText('しんくみアプリ with CRECO事業者に提供するもの')).toBeVisible();
  await expect(page.getByLabel('店番')).toHaveAttribute('inputmode', 'numeric');
  await expect(page.getByLabel('口座番号')).toHaveAttribute('inputmode', 'numeric');
  await expect(page.getByLabel('科目').locator('option')).toHaveText(['普通預金', '貯蓄預金']);
  await expect(page.getByText('画面ID : SOA201')).toBeVisible();
  await expect(page.getByRole('link', { name: 'API利用規定' })).toBeVisible();
  await expect(page.getByRole('link', { name: 'よくあるご質問' })).toBeVisible();
  await expectAccessible(page);
  await expectNoHorizontalScroll(page);
});

test('次へ with empty fields shows the dialog and a message under each field', async ({ page }) => {
  await startLinkage(page);
  const next = page.getByRole('button', { name: '次へ' });
  await next.click();
  const dialog = page.getByRole('dialog', { name: 'エラー' });
  await expect(dialog).toBeVisible();
  await expect(dialog).toContainText('入力されていない項目があります。');
  // The dialog takes focus...
  await expect(dialog.getByRole('button', { name: 'OK' })).toBeFocused();
  await expectAccessible(page);
  await dialog.getByRole('button', { name: 'OK' }).click();
  await expect(dialog).toBeHidden();
  // ...and gives it back.
  await expect(next).toBeFocused();

  for (const label of ['店番', '口座番号']) {
    const input = page.getByLabel(label);
    await expect(input).toHaveAttribute('aria-invalid', 'true');
    const describedBy = (await input.getAttribute('aria-describedby')) ?? '';
    const errorId = describedBy.split(' ').find((id) => id.endsWith('-error'));
    expect(errorId).toBeTruthy();
    await expect(page.locator(`#${errorId}`)).toHaveText('必ず入力して下さい。');
  }
  await expectAccessible(page);
});

test('a malformed 店番 gets its own message', async ({ page }) => {
  await startLinkage(page);
  await page.getByLabel('店番').fill('15');
  await page.getByLabel('口座番号').fill('1100026');
  await page.getByRole('button', { name: '次へ' }).click();
  await expect(page.locator('#branch-error')).toHaveText('店番は半角数字3桁で入力して下さい。');
  await page.getByRole('dialog').getByRole('button', { name: 'OK' }).click();
});

test('the demo account moves on to お客様情報入力, and a reload stays there', async ({ page }) => {
  await startLinkage(page);
  await page.getByLabel('店番').fill('115');
  await page.getByLabel('科目').selectOption({ label: '普通預金' });
  await page.getByLabel('口座番号').fill('1100026');
  await page.getByRole('button', { name: '次へ' }).click();
  await expect(page).toHaveURL(/\/flow\/customer$/);
  await expect(page.getByRole('heading', { level: 1, name: 'API連携認証（お客様情報入力）' })).toBeVisible();
  await expect(page.getByText('店番 115 普通預金 1100026')).toBeVisible();
  await expectAccessible(page);

  // The server owns the step: going back to SOA201's URL resumes here.
  await page.goto('/flow/account');
  await expect(page).toHaveURL(/\/flow\/customer$/);
  await expect(page.getByText('店番 115 普通預金 1100026')).toBeVisible();
});

test('an account that does not qualify is refused with the seed message', async ({ page }) => {
  await startLinkage(page);
  await page.getByLabel('店番').fill('010');
  await page.getByLabel('口座番号').fill('1234567');
  await page.getByRole('button', { name: '次へ' }).click();
  await expect(page.getByRole('dialog')).toContainText('ご指定の口座は、本サービスではお取り扱いできません。');
});

test('中止する returns to the app with access_denied', async ({ page }) => {
  await startLinkage(page);
  await page.getByRole('button', { name: '中止する' }).click();
  await expect(page.getByRole('heading', { name: 'API連携認証の中止' })).toBeVisible();
  await expect(page.getByText('API連携認証を中止しました。')).toBeVisible();
  await expectAccessible(page);
  await page.getByRole('link', { name: '連携元画面へ' }).click();
  await expect(page).toHaveURL(/\/demo\/callback\?/);
  await expect(page.getByRole('heading', { name: '口座の連携を中止しました' })).toBeVisible();
  await expect(page.getByText('access_denied')).toBeVisible();
});

test('SOA201 fits a 320 px wide screen', async ({ page }) => {
  await page.setViewportSize({ width: 320, height: 640 });
  await startLinkage(page);
  await expectNoHorizontalScroll(page);
  const box = await page.getByRole('button', { name: '次へ' }).boundingBox();
  expect(box?.height ?? 0).toBeGreaterThanOrEqual(44);
});
