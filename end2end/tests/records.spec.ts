import { expect, test } from '@playwright/test';
import { linkKen } from './call';
import { expectAccessible } from './helpers';

// 300-普通-0004567 exists only because start-server.sh imported it from
// records/ (its PIN hashed by `records hash-pin`): the demo fixture has no such account.

test('an account imported from the core system links, and the app reads its records', async ({ page, request }) => {
  await linkKen(page, request);

  await page.getByRole('link', { name: '口座の情報を見る' }).click();
  await expect(page.getByRole('heading', { level: 1, name: '口座の残高' })).toBeVisible();
  await expect(page.getByTestId('balance')).toHaveText('523,000円');
  await expect(page.getByText('店番300 普通預金 ***4567')).toBeVisible();
  await expect(page.getByText('ｷﾕｳﾖ ｶ)ｸﾞﾝﾏｺｳｷﾞﾖｳ')).toBeVisible();
  await expect(page.getByText('ﾃﾞﾝｷﾘﾖｳｷﾝ')).toBeVisible();
  await expectAccessible(page);
});
