import { expect, Page } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';

/** From the demo app, start a linkage and land on SOA201. */
export async function startLinkage(page: Page) {
  await page.goto('/demo');
  await page.getByRole('link', { name: '口座を連携する' }).click();
  await expect(page).toHaveURL(/\/flow\/account$/);
  await expect(page.getByRole('heading', { level: 1, name: 'API連携認証（ご利用口座情報入力）' })).toBeVisible();
  // The 次へ button is enabled once the flow has been loaded from the server.
  await expect(page.getByRole('button', { name: '次へ' })).toBeEnabled();
}

/** No serious or critical axe-core violation on the page as it is now. */
export async function expectAccessible(page: Page) {
  const results = await new AxeBuilder({ page }).analyze();
  const bad = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(bad.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`)).toEqual([]);
}

/** Nothing wider than the viewport: no horizontal scrolling. */
export async function expectNoHorizontalScroll(page: Page) {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow).toBeLessThanOrEqual(0);
}

/** From the demo app through SOA201 to お客様情報入力. */
export async function toCustomerStep(page: Page, branch: string, kind: string, number: string) {
  await startLinkage(page);
  await page.getByLabel('店番').fill(branch);
  await page.getByLabel('科目').selectOption({ label: kind });
  await page.getByLabel('口座番号').fill(number);
  await page.getByRole('button', { name: '次へ' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'API連携認証（お客様情報入力）' })).toBeVisible();
  await expect(page.getByRole('button', { name: '次へ' })).toBeEnabled();
}

export type Customer = { name: string; year: string; month: string; day: string; phone: string; email: string };

/** Types a customer's details into お客様情報入力. */
export async function fillCustomer(page: Page, c: Customer) {
  await page.getByLabel('お名前').fill(c.name);
  await page.getByLabel('西暦').fill(c.year);
  await page.getByLabel('月', { exact: true }).selectOption(c.month);
  await page.getByLabel('日', { exact: true }).selectOption(c.day);
  await page.getByLabel('電話番号').fill(c.phone);
  await page.getByLabel(/^【必須】メールアドレス$/).fill(c.email);
  await page.getByLabel('メールアドレス（確認用）').fill(c.email);
}
