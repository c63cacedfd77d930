import { expect, test } from '@playwright/test';
import { expectAccessible, expectNoHorizontalScroll } from './helpers';
import { jiro, remainingSeconds, toPhoneStep } from './call';

test('SOA208 shows the masked number; SOA209 counts down and keeps its time across a reload', async ({ page }) => {
  // Jiro (022): no other test calls from his phone on this server.
  await toPhoneStep(page, jiro);
  await expect(page.getByTestId('masked-phone')).toHaveText('*****6666');
  await expect(page.getByText('07055556666')).toHaveCount(0);
  await expectAccessible(page);
  await page.getByRole('button', { name: '電話番号の決定' }).click();

  await expect(page.getByRole('heading', { level: 1, name: 'API連携認証（電話番号認証）' })).toBeVisible();
  await expect(page.getByTestId('countdown')).toContainText('残り');
  await expect(page.getByRole('link', { name: '0120000111' })).toHaveAttribute('href', 'tel:0120000111');
  await expect(page.getByText('本画面が表示されてから120秒以内に、お電話ください。')).toBeVisible();
  const first = await remainingSeconds(page);
  expect(first).toBeLessThanOrEqual(120);
  expect(first).toBeGreaterThan(100);
  await expect.poll(() => remainingSeconds(page), { timeout: 5_000 }).toBeLessThan(first);
  await expectAccessible(page);
  await expectNoHorizontalScroll(page);

  // 確定する before the call.
  await page.getByRole('button', { name: '確定する' }).click();
  await expect(page.getByRole('status')).toHaveText('認証中（認証着信待ち）');

  // A reload shows the server's remaining time, not a fresh 120.
  const before = await remainingSeconds(page);
  await page.reload();
  await expect(page.getByTestId('countdown')).toContainText('残り');
  const after = await remainingSeconds(page);
  expect(after).toBeLessThanOrEqual(before);
  expect(after).toBeGreaterThanOrEqual(before - 3);
});
