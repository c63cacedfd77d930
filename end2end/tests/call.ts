import { APIRequestContext, expect, Page } from '@playwright/test';
import { createHmac, randomUUID } from 'node:crypto';
import { startLinkage } from './helpers';

// The demo server's telephony secret and toll-free number (README, demo mode).
export const TELEPHONY_SECRET = 'renkei-demo-telephony-secret';
export const CALLBACK_NUMBER = '0120000111';

type Who = { branch: string; kind: string; number: string; name: string; year: string; month: string; day: string; phone: string };

export const taro: Who = { branch: '115', kind: '普通預金', number: '1100026', name: 'ﾃﾞｰﾀ ﾀﾛｳ', year: '1980', month: '01', day: '01', phone: '09011113333' };
export const jiro: Who = { branch: '022', kind: '普通預金', number: '2222222', name: 'ｻﾄｳ ｼﾞﾛｳ', year: '1985', month: '06', day: '30', phone: '07055556666' };

/** From the demo app through SOA201 and お客様情報入力 to SOA208. */
export async function toPhoneStep(page: Page, who: Who, email = 'customer@example.jp') {
  await startLinkage(page);
  await fromAccountToPhoneStep(page, who, email);
}

/** From SOA201 (whichever app sent the customer) to SOA208. */
export async function fromAccountToPhoneStep(page: Page, who: Who, email: string) {
  await page.getByLabel('店番').fill(who.branch);
  await page.getByLabel('科目').selectOption({ label: who.kind });
  await page.getByLabel('口座番号').fill(who.number);
  await page.getByRole('button', { name: '次へ' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'API連携認証（お客様情報入力）' })).toBeVisible();
  await page.getByLabel('お名前').fill(who.name);
  await page.getByLabel('西暦').fill(who.year);
  await page.getByLabel('月', { exact: true }).selectOption(who.month);
  await page.getByLabel('日', { exact: true }).selectOption(who.day);
  await page.getByLabel('電話番号').fill(who.phone);
  await page.getByLabel(/^【必須】メールアドレス$/).fill(email);
  await page.getByLabel('メールアドレス（確認用）').fill(email);
  await page.getByRole('button', { name: '次へ' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'API連携認証（電話番号の確認）' })).toBeVisible();
}

/** The remaining seconds the countdown shows. */
export async function remainingSeconds(page: Page): Promise<number> {
  const text = (await page.getByTestId('countdown').textContent()) ?? '';
  const m = text.match(/残り (\d+) 秒/);
  expect(m, `countdown text: ${text}`).toBeTruthy();
  return Number(m![1]);
}

/**
 * The carrier reports a call from `from` to the number SOA209 shows (each
 * flow of a phone gets its own from the pool), signed as the gateway would
 * sign it, timestamped with the server's own clock (read from the challenge).
 * `union`: the prefix of the credit union whose screens the flow is on.
 */
export async function carrierCall(page: Page, request: APIRequestContext, from: string, union = '') {
  // A credit union's flow API is under its prefix (/institutions/{code});
  // the carrier's webhook is the platform's, at the root.
  const status = await page.request.get(`${union}/api/flow/call`);
  expect(status.ok()).toBeTruthy();
  const challenge = await status.json();
  const serverNow = Math.floor(challenge.server_now_ms / 1000);
  const to = challenge.callback_number ?? CALLBACK_NUMBER;
  const body = JSON.stringify({ call_id: randomUUID(), from, to, received_at: new Date().toISOString() });
  const signature = 'v1=' + createHmac('sha256', TELEPHONY_SECRET).update(`${serverNow}.${body}`).digest('hex');
  const resp = await request.post('/telephony/inbound-call', {
    data: body,
    headers: { 'content-type': 'application/json', 'x-renkei-timestamp': String(serverNow), 'x-renkei-signature': signature },
  });
  expect(resp.status()).toBe(200);
  return (await resp.json()).result as string;
}

// 300-普通-0004567, ﾔﾏﾓﾄ ｹﾝ, PIN 2468: in end2end/records/ only (not the demo fixture).
export const ken: Who = { branch: '300', kind: '普通預金', number: '4567', name: 'ﾔﾏﾓﾄ ｹﾝ', year: '1970', month: '03', day: '03', phone: '09088887777' };

/** Links ken's account from the demo app through every screen to 口座の連携が完了しました. */
export async function linkKen(page: Page, request: APIRequestContext) {
  await toPhoneStep(page, ken, 'ken@example.jp');
  await kenFromPhoneStep(page, request);
  await expect(page.getByRole('heading', { name: '口座の連携が完了しました' })).toBeVisible();
}

/** Ken at SOA208: his call, his PIN, 許可する. */
export async function kenFromPhoneStep(page: Page, request: APIRequestContext) {
  await fromPhoneStep(page, request, ken, '2468');
}

// ﾐﾗｲ ﾊﾙｶ, 201-普通-0002468, PIN 1357: a customer of the demo platform's
// second union (みらい信用組合, /institutions/2998) only.
export const haruka: Who = { branch: '201', kind: '普通預金', number: '0002468', name: 'ﾐﾗｲ ﾊﾙｶ', year: '1985', month: '06', day: '15', phone: '09022224444' };
export const MIRAI = '/institutions/2998';

/** `who` at SOA208: the call from their phone, their PIN, 許可する — on the screens of `union` (its prefix). */
export async function fromPhoneStep(page: Page, request: APIRequestContext, who: Who, pin: string, union = '') {
  await expect(page.getByTestId('masked-phone')).toHaveText(`*****${who.phone.slice(-4)}`);
  await page.getByRole('button', { name: '電話番号の決定' }).click();
  await expect(page.getByTestId('countdown')).toContainText('残り');
  expect(await carrierCall(page, request, who.phone, union)).toBe('verified');
  await expect(page.getByRole('heading', { level: 1, name: 'API連携認証（キャッシュカード暗証番号認証）' })).toBeVisible();
  await page.getByLabel('キャッシュカードの暗証番号').fill(pin);
  await page.getByRole('button', { name: '次へ' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'API連携認証（情報連携認可）' })).toBeVisible();
  await page.getByLabel('を確認し、同意します。').check();
  await page.getByRole('button', { name: '許可する' }).click();
}
