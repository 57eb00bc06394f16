// Basic data in the browser: a GBK CSV of persons with Chinese headers imported through /registry/import (progress,
// summary, error report), a person found across scripts on /registry/persons and revealed with a reason, and the
// completeness layer of the territory map. Run by e2e/run.ts (through `node scripts/e2e.mjs`).
import path from 'node:path';
import iconv from 'iconv-lite';
import type { Page } from 'playwright-core';
import { assert, axeCheck, DESK, equal, login, newPage, PHONE, SCREENSHOTS, type SpecContext } from './harness.ts';
import { msg } from './loop-helpers.ts';
import { drillDownChecks, enableMapHook, mapChecks, organisationChecks, phoneCompletenessChecks } from './registry-more.ts';

const shot = (page: Page, name: string) => page.screenshot({ path: path.join(SCREENSHOTS, name) });

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK = '10X98765432';

/** A GB 11643 ID number: 6 area digits, the birth date, a 3-digit serial (odd: male) and the check character. */
export function idNumber(area: string, birth: string, serial: string): string {
  const body = `${area}${birth.replaceAll('-', '')}${serial}`;
  const sum = [...body].reduce((s, c, i) => s + Number(c) * (WEIGHTS[i] ?? 0), 0);
  return `${body}${CHECK[sum % 11]}`;
}

/** The same number with a wrong check character. */
function badChecksum(id: string): string {
  const last = id.slice(-1);
  return `${id.slice(0, -1)}${last === '1' ? '2' : '1'}`;
}

interface Csv {
  buffer: Buffer;
  clearId: string;
}

function personsCsv(addresses: string[]): Csv {
  const a = addresses[0] ?? '';
  const b = addresses[1] ?? a;
  const zhang = idNumber('110101', '1985-03-12', '013');
  const li = idNumber('110101', '1992-11-05', '024');
  const wang = badChecksum(idNumber('110101', '1970-01-20', '035'));
  const lines = [
    '姓名,身份证号,性别,出生日期,联系电话,住址,人口类型',
    `张小试,${zhang},男,1985-03-12,13812345678,${a},流动人口`,
    `李明远,${li},女,1992-11-05,13987654321,${b},户籍人口`,
    `王错号,${wang},男,1970-01-20,13700001111,${a},户籍人口`,
  ];
  return { buffer: iconv.encode(`${lines.join('\r\n')}\r\n`, 'gbk'), clearId: zhang };
}

let firstBuilding: { lng: number; lat: number } | null = null;

async function buildingAddresses(page: Page): Promise<string[]> {
  const res = await page.request.get(`/api/buildings?q=${encodeURIComponent('社区1区1号楼')}&limit=2`);
  assert(res.ok(), `GET /api/buildings: HTTP ${res.status()}`);
  const body = (await res.json()) as { items: Array<{ address: string; lng: number; lat: number }> };
  assert(body.items.length > 0, 'no demo building found');
  firstBuilding = body.items[0] ?? null;
  return body.items.map((i) => i.address);
}

async function searchPerson(page: Page, q: string) {
  await page.getByTestId('person-search-input').fill(q);
  await page.getByTestId('person-search-submit').click();
  await page.getByTestId('person-open').filter({ hasText: '张小试' }).first().waitFor();
}

export async function registrySpec({ browser, baseUrl, checks, password }: SpecContext): Promise<void> {
  const desk = await newPage(browser, baseUrl, DESK);
  await enableMapHook(desk.page);
  const phone = await newPage(browser, baseUrl, PHONE, true);
  let csv: Csv | null = null;
  try {
    await checks.check('admin opens the import page from the navigation', async () => {
      await login(desk.page, 'admin', password);
      await desk.page.waitForURL('**/territory**');
      csv = personsCsv(await buildingAddresses(desk.page));
      await desk.page.getByTestId('nav-registryImport').click();
      await desk.page.waitForURL('**/registry/import');
      await desk.page.getByTestId('import-file').waitFor();
    });
    await checks.check('without a file, the error is shown next to the file input', async () => {
      await desk.page.getByTestId('import-submit').click();
      equal((await desk.page.getByTestId('import-file-error').textContent())?.trim(), msg('registry.import.noFile'), 'file error');
    });
    await checks.check('a GBK CSV of persons imports to the end with one refused row', async () => {
      assert(csv, 'no CSV');
      await desk.page.getByTestId('import-file').setInputFiles({ name: '人口.csv', mimeType: 'text/csv', buffer: csv.buffer });
      await desk.page.getByTestId('import-submit').click();
      await desk.page.getByTestId('import-progress').waitFor();
      await desk.page.waitForSelector('[data-testid="import-progress"][data-status="done"]', { timeout: 60_000 });
      const count = async (key: string) => (await desk.page.getByTestId(`import-${key}`).locator('dd').textContent())?.trim();
      equal(await count('rowsRead'), '3', 'rows read');
      equal(await count('rowsWritten'), '2', 'rows written');
      equal(await count('rowsRefused'), '1', 'rows refused');
    });
    await checks.check('the error report link downloads the refused row', async () => {
      const link = desk.page.getByTestId('import-errors-link');
      await link.waitFor();
      const href = await link.getAttribute('href');
      assert(href, 'no href');
      const res = await desk.page.request.get(href);
      equal(res.status(), 200, 'error report status');
      const text = await res.text();
      assert(text.split('\n').filter((l) => l.trim()).length >= 2, `error report has no row: ${text}`);
    });
    await axeCheck(checks, desk.page, 'registry import at 1280×800');
    await shot(desk.page, 'registry-import-desk.png');

    await checks.check('a person imported as 张小试 is found as 張小試, masked', async () => {
      await desk.page.getByTestId('nav-registryPersons').click();
      await desk.page.waitForURL('**/registry/persons');
      await searchPerson(desk.page, '張小試');
      const row = desk.page.getByRole('row').filter({ hasText: '张小试' }).first();
      const text = (await row.textContent()) ?? '';
      assert(text.includes('*'), `the ID number is not masked: ${text}`);
    });
    await checks.check('the drawer shows the person and the residence history', async () => {
      await desk.page.getByTestId('person-open').filter({ hasText: '张小试' }).first().click();
      await desk.page.getByTestId('person-id-number').waitFor();
      const masked = (await desk.page.getByTestId('person-id-number').textContent()) ?? '';
      assert(masked.includes('*'), `drawer ID number not masked: ${masked}`);
      // axe reads colours mid-animation as faded: wait until the drawer has slid in.
      await desk.page.waitForFunction(() => {
        const el = document.querySelector('.ant-drawer-content-wrapper, .ant-drawer-section');
        return el !== null && !/motion/.test(el.className) && getComputedStyle(el).opacity === '1';
      });
      await desk.page.waitForTimeout(300);
    });
    await axeCheck(checks, desk.page, 'person drawer at 1280×800');
    await checks.check('admin reveals with a reason and sees the clear ID number and the notice', async () => {
      assert(csv, 'no CSV');
      await desk.page.getByTestId('person-reveal').click();
      await desk.page.getByTestId('reveal-reason').fill('e2e: checking an imported record');
      await desk.page.getByRole('button', { name: msg('registry.persons.revealConfirm'), exact: true }).click();
      await desk.page.getByTestId('reveal-notice').waitFor();
      equal((await desk.page.getByTestId('person-id-number').textContent())?.trim(), csv.clearId, 'clear ID number');
    });
    await checks.check('no console errors on the registry pages at desk width', () => {
      assert(desk.watch.errors.length === 0, desk.watch.errors.join('\n'));
    });

    await checks.check('territory: the completeness layer colours the children and lists them in a table', async () => {
      await desk.page.goto('/territory?layer=completeness');
      await desk.page.getByTestId('completeness-legend').waitFor();
      const table = desk.page.getByTestId('completeness-table');
      await table.locator('tbody tr.ant-table-row').first().waitFor({ timeout: 60_000 });
      await desk.page.waitForSelector('[data-testid="territory-map"][data-rendered-features]', { timeout: 60_000 });
      await table.getByRole('button', { name: msg('registry.completeness.showMissing') }).first().click();
      await desk.page.getByTestId('completeness-missing').waitFor();
      await desk.page.waitForFunction(() => !document.querySelector('[data-testid="completeness-missing"] .ant-spin'), undefined, {
        timeout: 60_000,
      });
    });
    await axeCheck(checks, desk.page, 'territory completeness at 1280×800');
    await desk.page.getByTestId('completeness-table').scrollIntoViewIfNeeded();
    await shot(desk.page, 'territory-completeness-desk.png');
    await checks.check('no console errors on the completeness layer', () => {
      assert(desk.watch.errors.length === 0, desk.watch.errors.join('\n'));
    });

    await drillDownChecks(checks, desk.page);
    assert(firstBuilding, 'no demo building');
    await mapChecks(checks, desk.page, firstBuilding);
    await organisationChecks(checks, desk.page, String(Date.now() % 100_000));
    await checks.check('no console errors on the map and the organisations page', () => {
      assert(desk.watch.errors.length === 0, desk.watch.errors.join('\n'));
    });

    await checks.check('phone: the import page renders', async () => {
      await login(phone.page, 'admin', password);
      await phone.page.waitForURL('**/territory**');
      await phone.page.goto('/registry/import');
      await phone.page.getByTestId('import-file').waitFor();
    });
    await axeCheck(checks, phone.page, 'registry import at 390×844');
    await checks.check('phone: the person search finds 张小试 by 張小試', async () => {
      await phone.page.goto('/registry/persons');
      await searchPerson(phone.page, '張小試');
    });
    await axeCheck(checks, phone.page, 'registry persons at 390×844');
    await shot(phone.page, 'registry-persons-phone.png');
    await phoneCompletenessChecks(checks, phone.page);
    await checks.check('no console errors on the registry pages at phone width', () => {
      assert(phone.watch.errors.length === 0, phone.watch.errors.join('\n'));
    });
  } finally {
    await desk.context.close();
    await phone.context.close();
  }
}
