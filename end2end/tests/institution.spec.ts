import { expect, test } from '@playwright/test';
import { otherInstitutionURL } from '../playwright.config';
import { expectAccessible, startLinkage } from './helpers';

// The credit union comes from the server's profile file, not the SPA's build.
test('without a profile SOA201 shows the demo credit union and its contact number', async ({ page }) => {
  await startLinkage(page);
  await expect(page.locator('header .brand')).toHaveText('しんくみ信用組合');
  await expect(page.getByRole('link', { name: '0120-000-000' })).toHaveAttribute('href', 'tel:0120000000');
  await expect(page.getByText('Copyright © しんくみ信用組合 All Rights Reserved.')).toBeVisible();
  await expect(page).toHaveTitle('API連携認証 | しんくみ信用組合');
});

test.describe('with another credit union\'s profile', () => {
  test.use({ baseURL: otherInstitutionURL });

  test('SOA201 shows its name, contact number, colour and copyright', async ({ page }) => {
    const violations: string[] = [];
    page.on('console', (m) => { if (/Content Security Policy/i.test(m.text())) violations.push(m.text()); });
    await startLinkage(page);
    await expect(page.locator('header .brand')).toHaveText('ぐんまみらい信用組合');
    await expect(page.getByRole('link', { name: '0120-219-190' })).toHaveAttribute('href', 'tel:0120219190');
    await expect(page.getByText('Copyright © ぐんまみらい信用組合 All Rights Reserved.')).toBeVisible();
    await expect(page).toHaveTitle('API連携認証 | ぐんまみらい信用組合');
    await expect(page.locator('header.brand-bar')).toHaveCSS('background-color', 'rgb(0, 105, 62)');
    await expect(page.getByText('しんくみ信用組合')).toHaveCount(0);
    await expectAccessible(page);
    expect(violations).toEqual([]);
  });
});
