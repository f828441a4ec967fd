/** Driving WebAdmin's page: logging in (first time with TOTP enrolment, later with a code), finding rows. */
import type { Locator, Page } from 'playwright-core';
import { totpCode } from '../../../cloud-sync/hub/accounts/totp.ts';

/** The password step, then whatever second factor `code` gives for the step the page shows. */
async function passwordStep(page: Page, adminUrl: string, username: string, password: string): Promise<void> {
  await page.goto(adminUrl);
  const form = page.getByTestId('login-form');
  await form.getByTestId('username').fill(username);
  await form.getByTestId('password').fill(password);
  await page.getByTestId('login-submit').click();
  await page.getByTestId('code-form').waitFor();
}

/**
 * A first login: the page shows the new TOTP secret as text; the code is computed from it as an
 * authenticator app would. Resolves with the ten recovery codes the page shows once.
 */
export async function firstLogIn(
  page: Page,
  adminUrl: string,
  username: string,
  password: string,
): Promise<{ secret: string; recoveryCodes: string[] }> {
  await passwordStep(page, adminUrl, username, password);
  const secret = (await page.getByTestId('totp-secret').textContent()) ?? '';
  await page.getByTestId('code-form').getByTestId('code').fill(totpCode(secret, Date.now()));
  await page.getByTestId('code-submit').click();
  const list = page.getByTestId('recovery-codes');
  await list.waitFor();
  const recoveryCodes = await list.locator('li').allTextContents();
  await page.getByTestId('recovery-done').click();
  await page.getByTestId('who').waitFor();
  return { secret, recoveryCodes };
}

/** A later login with a code (a TOTP code or a recovery code). */
export async function logIn(page: Page, adminUrl: string, username: string, password: string, code: string) {
  await passwordStep(page, adminUrl, username, password);
  await page.getByTestId('code-form').getByTestId('code').fill(code);
  await page.getByTestId('code-submit').click();
  await page.getByTestId('who').waitFor();
}

/** Opens a screen from the side menu and waits until it is rendered. */
export async function openScreen(page: Page, id: string): Promise<void> {
  await page.getByTestId(`nav-${id}`).click();
  await page.locator(`main[data-screen="${id}"][data-shown] .screen-body > *`).first().waitFor();
}

/** The row of the residents table with this resident's actions. */
export const residentRow = (page: Page, residentId: string): Locator =>
  page.locator(`[data-testid="resident-actions"][data-resident-id="${residentId}"]`);
