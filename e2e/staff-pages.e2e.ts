// The other pages of the closed loop at desk and phone widths: hotline intake, patrol report, the case list, the
// tracking lookup and the admin pages (categories, routing rules, working calendar).
import path from 'node:path';
import type { Page } from 'playwright-core';
import { assert, axeCheck, DESK, equal, newPage, PHONE, SCREENSHOTS, type SpecContext } from './harness.ts';
import { msg, PHOTO, pointInGridWorkersGrid, type StaffSession, staffSession } from './loop-helpers.ts';

const shot = (page: Page, name: string) => page.screenshot({ path: path.join(SCREENSHOTS, name) });

export async function staffPagesSpec({ browser, baseUrl, checks, password }: SpecContext): Promise<void> {
  const sessions: Array<{ name: string; s: StaffSession }> = [];
  const staff = async (name: string, phone = false) => {
    const s = await staffSession(browser, baseUrl, name, password, phone ? PHONE : DESK, phone);
    sessions.push({ name, s });
    return s;
  };
  const point = await pointInGridWorkersGrid(baseUrl, password);
  const visitor = await newPage(browser, baseUrl, DESK);
  try {
    await checks.check('visitor: the report page and the tracking lookup at desk width', async () => {
      await visitor.page.goto('/report');
      await visitor.page.getByTestId('category-search').waitFor();
    });
    await axeCheck(checks, visitor.page, 'report form at 1280×800');
    await checks.check('visitor: an unknown tracking code says so', async () => {
      await visitor.page.goto('/track');
      await visitor.page.getByTestId('tracking-code-input').fill('aaaa bbbb cccc dddd');
      await visitor.watch.expecting([/status of 404/], async () => {
        await visitor.page.getByTestId('tracking-lookup-submit').click();
        await visitor.page.waitForURL('**/track/AAAA-BBBB-CCCC-DDDD');
        await visitor.page.getByText(msg('track.notFound')).waitFor();
      });
    });
    await axeCheck(checks, visitor.page, 'tracking lookup at 1280×800');

    const clerk = await staff('clerk');
    let filedNumber = '';
    await checks.check('clerk: files a hotline call with the map centre as its place', async () => {
      await clerk.page.getByTestId('nav-deskIntake').click();
      await clerk.page.waitForURL('**/desk/new');
      await clerk.page.getByTestId('category-search').fill('flyers');
      await clerk.page.locator('[data-testid="category-option"][data-code="E0201"]').click();
      await clerk.page.locator('[data-testid="location-map"][data-map-loaded="true"]').waitFor();
      await clerk.page.waitForTimeout(500);
      await clerk.page.getByTestId('pin-map-centre').click();
      await clerk.page.locator('[data-testid="placement"][data-kind="grid"]').waitFor();
      await clerk.page.getByTestId('report-description').fill('Caller reports flyers pasted all over the bus stop.');
      await clerk.page.getByLabel(msg('caller.name')).fill('Li Lei');
      await clerk.page.getByLabel(msg('caller.phone')).fill('13900139000');
    });
    await axeCheck(checks, clerk.page, 'hotline intake at 1280×800');
    await clerk.page.locator('#main-content').evaluate((el) => el.scrollTo(0, 0));
    await shot(clerk.page, 'desk-new-desk.png');
    await checks.check('clerk: the filed case reports its duplicates and opens accepted', async () => {
      await clerk.page.getByTestId('report-submit').click();
      await clerk.page.getByTestId('intake-done').waitFor();
      await clerk.page.getByTestId('duplicate-count').waitFor();
      await clerk.page.getByTestId('open-filed-case').click();
      await clerk.page.locator('[data-testid="case-page"][data-state="accepted"]').waitFor();
      filedNumber = (await clerk.page.getByRole('heading', { level: 1 }).textContent()) ?? '';
    });

    const worker = await staff('gridworker', true);
    await checks.check('grid worker (phone): the patrol report starts from the device position', async () => {
      await worker.page.context().grantPermissions(['geolocation']);
      await worker.page.context().setGeolocation({ latitude: point.lat, longitude: point.lng, accuracy: 8 });
      await worker.page.goto('/patrol/new');
      await worker.page.locator('[data-testid="placement"][data-kind="grid"]').waitFor();
      await worker.page.getByTestId('category-search').fill('road not clean');
      await worker.page.locator('[data-testid="category-option"][data-code="E0104"]').click();
      await worker.page.getByTestId('report-description').fill('Mud on the pavement after the roadworks.');
      await worker.page.getByTestId('photo-file').setInputFiles(PHOTO);
      await worker.page.locator('[data-testid="location-map"][data-map-loaded="true"]').waitFor();
    });
    await axeCheck(checks, worker.page, 'patrol report at 390×844');
    await shot(worker.page, 'patrol-phone.png');
    await checks.check('grid worker: a patrol report is filed as confirmed', async () => {
      await worker.page.getByTestId('report-submit').click();
      await worker.page.getByTestId('intake-done').getByText(msg('caseState.confirmed')).waitFor();
    });
    await checks.check('grid worker (phone): the case list shows cards and filters behind a button', async () => {
      await worker.page.goto('/cases');
      await worker.page.getByTestId('case-card').first().waitFor();
      assert(!(await worker.page.getByTestId('case-filters').isVisible()), 'filters are open on a phone');
    });
    await axeCheck(checks, worker.page, 'case list at 390×844');
    await axeCheck(checks, clerk.page, 'case page (accepted) at 1280×800');

    const lead = await staff('shiftlead');
    await checks.check('shift lead: the case list filters by status and finds by number', async () => {
      await lead.page.getByTestId('nav-cases').click();
      await lead.page.getByTestId('case-table').waitFor();
      const number = filedNumber.replace(/^\D+/, '').trim();
      await lead.page.getByTestId('filter-q').locator('input').fill(number);
      await lead.page.getByTestId('filter-q').locator('input').press('Enter');
      await lead.page.waitForURL(`**/cases?q=${number}`);
      await lead.page.locator('[data-testid="case-link"]', { hasText: number }).waitFor();
      // The case just filed heads the unfiltered list too: wait for the filtered answer to replace it.
      await lead.page
        .waitForFunction(() => document.querySelectorAll('[data-testid="case-table"] tbody tr[data-row-key]').length === 1, undefined, { timeout: 15_000 })
        .catch(() => undefined);
      const rows = await lead.page.locator('[data-testid="case-table"] tbody tr[data-row-key]').count();
      assert(rows === 1, `rows for ${number}: ${rows}`);
    });
    await axeCheck(checks, lead.page, 'case list at 1280×800');
    await checks.check('shift lead: transfer offers the other districts of the city, never the case\'s own', async () => {
      await lead.page.locator('[data-testid="case-link"]').first().click();
      await lead.page.locator('[data-testid="case-page"][data-state="accepted"]').waitFor();
      const id = new URL(lead.page.url()).pathname.split('/').pop() ?? '';
      const detail = (await (await lead.page.request.get(`/api/cases/${id}`)).json()) as { districtId: string };
      const res = await lead.page.request.get('/api/territory/districts', { headers: { 'accept-language': 'en' } });
      const districts = ((await res.json()) as { items: Array<{ id: string; code: string }> }).items;
      const own = districts.find((d) => d.id === detail.districtId);
      const other = districts.find((d) => d.id !== detail.districtId);
      assert(own, `the case's district ${detail.districtId} is not among the ${districts.length} districts`);
      await lead.page.getByTestId('action-transfer').click();
      const dialog = lead.page.getByRole('dialog');
      await dialog.waitFor();
      // The demo city has one district: then the select says there is nowhere to transfer to.
      if (!other) await dialog.getByText(msg('actionField.districtIdNone')).waitFor();
      await dialog.getByTestId('field-districtId').click();
      if (other) await lead.page.locator('.ant-select-item-option', { hasText: `(${other.code})` }).first().waitFor();
      const ownShown = await lead.page.locator('.ant-select-item-option', { hasText: `(${own.code})` }).count();
      equal(ownShown, 0, "the case's own district among the options");
      // Escape closes the open select (or, if it had closed, the dialog); nothing is sent either way.
      await lead.page.keyboard.press('Escape');
      if (await dialog.isVisible()) await dialog.getByRole('button', { name: msg('form.cancel') }).click();
      await dialog.waitFor({ state: 'hidden' });
    });
    await lead.page.goto('/cases');
    await lead.page.locator('[data-testid="case-link"]').first().waitFor();
    await shot(lead.page, 'cases-desk.png');

    const admin = await staff('admin');
    await checks.check('admin: lands on the territory and edits a category limit', async () => {
      await admin.page.waitForURL('**/territory');
      await admin.page.getByTestId('nav-adminCategories').click();
      await admin.page.getByTestId('edit-E0102').click();
      await admin.page.getByTestId('category-form').waitFor();
      const radius = admin.page.getByLabel(msg('adminCategories.duplicateRadius'));
      await radius.fill('40');
      await admin.page.getByTestId('category-save').click();
      await admin.page.getByText(msg('adminCategories.saved').replace('{{code}}', 'E0102')).waitFor();
    });
    await axeCheck(checks, admin.page, 'admin categories at 1280×800');
    await admin.page.getByTestId('edit-E0104').click();
    await admin.page.getByTestId('category-form').waitFor();
    await admin.page.waitForTimeout(400);
    await shot(admin.page, 'admin-categories-desk.png');
    await admin.page.keyboard.press('Escape');
    await checks.check('admin: adds and deletes a routing rule', async () => {
      await admin.page.getByTestId('nav-adminRoutingRules').click();
      const form = admin.page.locator('form#routing-rule');
      // Type and choose with the keyboard, as in any combobox.
      const choose = async (label: string, text: string) => {
        await form.getByLabel(label).fill(text);
        await admin.page.locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden) .ant-select-item-option', { hasText: text }).first().waitFor();
        await admin.page.keyboard.press('Enter');
      };
      await choose(msg('adminRules.jurisdiction'), 'Dongcheng District');
      await choose(msg('adminRules.department'), 'Sanitation');
      await form.getByRole('button', { name: msg('adminRules.add') }).click();
      await admin.page.getByRole('status').getByText(msg('adminRules.added')).waitFor();
      await admin.page.getByRole('button', { name: msg('adminRules.delete') }).first().click();
      await admin.page.locator('.ant-popconfirm').getByRole('button', { name: msg('adminRules.delete') }).click();
      await admin.page.getByRole('status').getByText(msg('adminRules.deleted')).waitFor();
    });
    await axeCheck(checks, admin.page, 'admin routing rules at 1280×800');
    await checks.check('admin: the calendar warns about years without holiday data', async () => {
      await admin.page.getByTestId('nav-adminCalendar').click();
      await admin.page.getByTestId('working-hours').waitFor();
      const res = await admin.page.request.get('/api/calendar');
      const missing = ((await res.json()) as { missingYears: number[] }).missingYears;
      if (missing.length > 0) await admin.page.getByTestId('missing-years').waitFor();
    });
    await axeCheck(checks, admin.page, 'admin calendar at 1280×800');
    await shot(admin.page, 'admin-calendar-desk.png');

    const adminPhone = await staff('admin', true);
    for (const [route, name] of [
      ['/admin/categories', 'admin categories'],
      ['/admin/routing-rules', 'admin routing rules'],
      ['/admin/calendar', 'admin calendar'],
    ] as const) {
      await adminPhone.page.goto(route);
      await adminPhone.page.getByRole('heading', { level: 1 }).waitFor();
      await adminPhone.page.waitForTimeout(300);
      await axeCheck(checks, adminPhone.page, `${name} at 390×844`);
    }
    await adminPhone.page.goto('/desk/new');
    await checks.check('a page for another role explains itself instead of failing', async () => {
      await adminPhone.page.getByText(msg('forbidden.title')).waitFor();
    });

    await checks.check('no request left the origin (staff pages)', () => {
      const external = [visitor.watch, ...sessions.map((x) => x.s.watch)].flatMap((w) => w.external);
      assert(external.length === 0, external.join('\n'));
    });
    await checks.check('no browser console error (staff pages)', () => {
      const errors = [...visitor.watch.errors, ...sessions.flatMap((x) => x.s.watch.errors.map((e) => `${x.name}: ${e}`))];
      assert(errors.length === 0, errors.join('\n'));
    });
  } finally {
    await visitor.context.close();
    for (const x of sessions) await x.s.close();
  }
}
