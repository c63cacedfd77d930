import { expect, test } from '@playwright/test';
import { Customer, expectAccessible, expectNoHorizontalScroll, fillCustomer, startLinkage, toCustomerStep } from './helpers';

const happy: Customer = {
  name: 'でーた　たろう',
  year: '1980',
  month: '01',
  day: '01',
  phone: '09011113333',
  email: 'taro@example.jp',
};

test('the demo customer passes SOA201 and お客様情報入力, typing the name in hiragana', async ({ page }) => {
  await toCustomerStep(page, '115', '普通預金', '1100026');
  await expect(page.getByText('店番 115 普通預金 1100026')).toBeVisible();
  await expectAccessible(page);
  await fillCustomer(page, happy);
  // The converted name is shown before sending.
  await expect(page.getByText('送信するお名前：ﾃﾞ-ﾀ ﾀﾛｳ')).toBeVisible();
  await page.getByRole('button', { name: '次へ' }).click();
  await expect(page).toHaveURL(/\/flow\/phone$/);
  await expect(page.getByRole('heading', { level: 1, name: 'API連携認証（電話番号の確認）' })).toBeVisible();
});

test('お客様情報入力 with empty fields shows the dialog and each field message', async ({ page }) => {
  await toCustomerStep(page, '115', '普通預金', '1100026');
  await page.getByRole('button', { name: '次へ' }).click();
  const dialog = page.getByRole('dialog', { name: 'エラー' });
  await expect(dialog).toContainText('入力されていない項目があります。');
  await expectAccessible(page);
  await dialog.getByRole('button', { name: 'OK' }).click();
  for (const id of ['name-error', 'birth-error', 'phone-error', 'email-error', 'email_confirm-error']) {
    await expect(page.locator(`#${id}`)).toHaveText('必ず入力して下さい。');
  }
  await expectNoHorizontalScroll(page);
});

test('an impossible birth date and a mismatched confirmation are named', async ({ page }) => {
  await toCustomerStep(page, '115', '普通預金', '1100026');
  await fillCustomer(page, { ...happy, month: '02', day: '30' });
  await page.getByLabel('メールアドレス（確認用）').fill('other@example.jp');
  await page.getByRole('button', { name: '次へ' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'OK' }).click();
  await expect(page.locator('#birth-error')).toHaveText('生年月日に存在しない日付が指定されています。');
  await expect(page.locator('#email_confirm-error')).toHaveText('確認用のメールアドレスが一致しません。');
});

test('wrong personal data: identity_mismatch, then locked, then B84', async ({ page }) => {
  // Only this test uses the savings account, so its lock does not disturb others.
  await toCustomerStep(page, '005', '貯蓄預金', '123');
  await fillCustomer(page, { ...happy, name: 'ﾔﾏﾀﾞ ﾊﾅｺ', year: '1975', month: '04', day: '16', phone: '0272345678' });
  const dialog = page.getByRole('dialog', { name: 'エラー' });
  const next = page.getByRole('button', { name: '次へ' });
  for (let i = 1; i <= 4; i++) {
    await next.click();
    await expect(dialog).toContainText('本人認証情報が誤っています。本人認証項目をご確認のうえ、再度入力して下さい。');
    await dialog.getByRole('button', { name: 'OK' }).click();
    await expect(dialog).toBeHidden();
  }
  await next.click();
  await expect(dialog).toContainText('お取扱いができなくなりました。詳しくは本サービスのお問合せ窓口へご照会下さい。');
  await dialog.getByRole('button', { name: 'OK' }).click();
  // The right birth date now: still refused, with reason code B84.
  await page.getByLabel('日', { exact: true }).selectOption('15');
  await next.click();
  await expect(dialog).toContainText(
    'ただ今お取扱いできません。詳しくは本サービスのお問合せ窓口へご照会下さい。理由コードはB84です。',
  );
});

test('中止する on お客様情報入力 returns to the app', async ({ page }) => {
  await toCustomerStep(page, '022', '普通預金', '2222222');
  await page.getByRole('button', { name: '中止する' }).click();
  await expect(page.getByText('API連携認証を中止しました。')).toBeVisible();
  await page.getByRole('link', { name: '連携元画面へ' }).click();
  await expect(page.getByRole('heading', { name: '口座の連携を中止しました' })).toBeVisible();
});

// The seed's second error table. The server's side of each is covered by the
// Rust black-box tests; here the screen must show the seed's message for the
// code, whatever text the answer carries.
const secondTable: [string, number, string][] = [
  ['out_of_service_hours', 503, 'ただ今の時間はサービスを行っておりません。ご了承下さい。'],
  ['busy', 503, 'ただ今受付が混雑しておりますので、しばらくしてからご利用下さい。'],
  ['system_error', 500, '調整のため連絡ができなくなりました。なお、お急ぎの場合は本サービスのお問合せ窓口へご照会下さい。'],
  ['service_unavailable', 503, 'ご指定のサービスはただ今お取扱できません。なお、お急ぎの場合は本サービスのお問合せ窓口へご照会下さい。'],
];

for (const [code, status, message] of secondTable) {
  test(`SOA201 shows the seed message for ${code}`, async ({ page }) => {
    await startLinkage(page);
    await page.route('**/api/flow/account', (route) =>
      route.fulfill({ status, contentType: 'application/json', body: JSON.stringify({ code, message: 'x' }) }),
    );
    await page.getByLabel('店番').fill('115');
    await page.getByLabel('口座番号').fill('1100026');
    await page.getByRole('button', { name: '次へ' }).click();
    await expect(page.getByRole('dialog', { name: 'エラー' })).toContainText(message);
  });
}

test('a page the server cannot answer shows system_error', async ({ page }) => {
  await startLinkage(page);
  await page.route('**/api/flow/account', (route) => route.fulfill({ status: 502, body: '<html>bad gateway</html>' }));
  await page.getByLabel('店番').fill('115');
  await page.getByLabel('口座番号').fill('1100026');
  await page.getByRole('button', { name: '次へ' }).click();
  await expect(page.getByRole('dialog', { name: 'エラー' })).toContainText(secondTable[2][2]);
});
