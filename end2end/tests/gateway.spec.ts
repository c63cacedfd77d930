import { expect, test } from '@playwright/test';
import { gatewayURL } from '../playwright.config';
import { linkKen } from './call';
import { expectAccessible, startLinkage } from './helpers';

// This server holds no records: RENKEI_RECORDS_URL points it at the stand-in
// host gateway (`renkei-host-gateway`), which serves the
// core system's files in records/ from the bank's own database.
test.use({ baseURL: gatewayURL });


test('an account the host gateway holds links, and the app reads its records through it', async ({ page, request }, testInfo) => {
  // One customer on one server: one project is enough (a second linkage of
  // the same phone at the same moment would find the callback number taken).
  test.skip(testInfo.project.name !== 'desktop', 'one linkage per customer at a time');
  await linkKen(page, request);

  await page.getByRole('link', { name: '口座の情報を見る' }).click();
  await expect(page.getByRole('heading', { level: 1, name: '口座の残高' })).toBeVisible();
  await expect(page.getByTestId('balance')).toHaveText('523,000円');
  await expect(page.getByText('店番300 普通預金 ***4567')).toBeVisible();
  await expect(page.getByText('ﾃﾞﾝｷﾘﾖｳｷﾝ')).toBeVisible();
  await expectAccessible(page);
});

test('a demo customer the gateway does not hold is refused at SOA201', async ({ page }, testInfo) => {
  test.skip(testInfo.project.name !== 'desktop', 'one server, one run');
  await startLinkage(page);
  await page.getByLabel('店番').fill('115');
  await page.getByLabel('科目').selectOption({ label: '普通預金' });
  await page.getByLabel('口座番号').fill('1100026');
  await page.getByRole('button', { name: '次へ' }).click();
  await expect(page.getByText('ご指定の口座は、本サービスではお取り扱いできません。')).toBeVisible();
});
