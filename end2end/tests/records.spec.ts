import { expect, test } from '@playwright/test';
import { carrierCall, toPhoneStep } from './call';
import { expectAccessible } from './helpers';

// 300-普通-0004567 exists only because start-server.sh imported it from
// records/ (its PIN hashed by `records hash-pin`): the demo fixture has no such account.
const ken = { branch: '300', kind: '普通預金', number: '4567', name: 'ﾔﾏﾓﾄ ｹﾝ', year: '1970', month: '03', day: '03', phone: '09088887777' };

test('an account imported from the core system links, and the app reads its records', async ({ page, request }) => {
  await toPhoneStep(page, ken, 'ken@example.jp');
  await expect(page.getByTestId('masked-phone')).toHaveText('*****7777');
  await page.getByRole('button', { name: '電話番号の決定' }).click();
  await expect(page.getByTestId('countdown')).toContainText('残り');
  expect(await carrierCall(page, request, '09088887777')).toBe('verified');
  await expect(page.getByRole('heading', { level: 1, name: 'API連携認証（キャッシュカード暗証番号認証）' })).toBeVisible();
  await page.getByLabel('キャッシュカードの暗証番号').fill('2468');
  await page.getByRole('button', { name: '次へ' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'API連携認証（情報連携認可）' })).toBeVisible();
  await page.getByLabel('を確認し、同意します。').check();
  await page.getByRole('button', { name: '許可する' }).click();
  await expect(page.getByRole('heading', { name: '口座の連携が完了しました' })).toBeVisible();

  await page.getByRole('link', { name: '口座の情報を見る' }).click();
  await expect(page.getByRole('heading', { level: 1, name: '口座の残高' })).toBeVisible();
  await expect(page.getByTestId('balance')).toHaveText('523,000円');
  await expect(page.getByText('店番300 普通預金 ***4567')).toBeVisible();
  await expect(page.getByText('ｷﾕｳﾖ ｶ)ｸﾞﾝﾏｺｳｷﾞﾖｳ')).toBeVisible();
  await expect(page.getByText('ﾃﾞﾝｷﾘﾖｳｷﾝ')).toBeVisible();
  await expectAccessible(page);
});
