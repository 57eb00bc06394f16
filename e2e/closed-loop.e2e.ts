// The closed loop through the UI: a resident reports with a photo, the clerk accepts, the grid worker confirms, the
// shift lead registers, the dispatcher dispatches, the department starts and handles with a photo, the grid worker
// verifies, the shift lead closes, and the resident rates on the tracking page. Every role in its own browser.
import path from 'node:path';
import type { Page } from 'playwright-core';
import { assert, axeCheck, DESK, equal, newPage, PHONE, SCREENSHOTS, type SpecContext } from './harness.ts';
import { act, msg, openFromInbox, PHOTO, pointInGridWorkersGrid, type StaffSession, staffSession } from './loop-helpers.ts';

const shot = (page: Page, name: string, fullPage = false) => page.screenshot({ path: path.join(SCREENSHOTS, name), fullPage });

export async function closedLoopSpec({ browser, baseUrl, checks, password }: SpecContext): Promise<void> {
  const point = await pointInGridWorkersGrid(baseUrl, password);
  const resident = await newPage(browser, baseUrl, PHONE, true, {
    geolocation: { latitude: point.lat, longitude: point.lng, accuracy: 12 },
    permissions: ['geolocation'],
  });
  const sessions: Array<{ name: string; s: StaffSession }> = [];
  const staff = async (name: string, phone = false) => {
    const s = await staffSession(browser, baseUrl, name, password, phone ? PHONE : DESK, phone);
    sessions.push({ name, s });
    return s;
  };
  let trackingCode = '';
  let caseNumber = '';

  try {
    // The clerk watches the inbox before the report arrives: it must appear without a reload.
    const clerk = await staff('clerk');
    let waitingBefore = 0;
    await checks.check('clerk lands on the inbox, which goes live', async () => {
      await clerk.page.waitForURL('**/inbox');
      await clerk.page.locator('[data-testid="live-status"][data-status="live"]').waitFor();
      waitingBefore = Number(await clerk.page.getByTestId('queue-to_accept').getAttribute('data-total'));
    });

    const page = resident.page;
    await checks.check('resident: the report page works without signing in, at phone width', async () => {
      await page.goto('/report');
      await page.getByRole('heading', { level: 1, name: msg('report.title') }).waitFor();
    });
    await checks.check('resident: the report map draws the public outline of the city and opens on it', async () => {
      const res = await fetch(`${baseUrl}/api/territory/outline`);
      assert(res.ok, `outline: HTTP ${res.status}`);
      const outline = (await res.json()) as { features: Array<{ properties: { level: string } }> };
      assert(outline.features.some((f) => f.properties.level === 'city'), 'the outline has no city');
      const map = page.locator('[data-testid="location-map"][data-map-loaded="true"]');
      await map.waitFor();
      await page.waitForFunction(
        (n) => document.querySelector('[data-testid="location-map"]')?.getAttribute('data-outline-features') === String(n),
        outline.features.length,
      );
    });
    await shot(page, 'report-map-city-phone.png');
    await checks.check('resident: category by search, position from the device, photo, contact', async () => {
      await page.getByTestId('category-search').fill('garbage');
      await page.locator('[data-testid="category-option"][data-code="E0102"]').click();
      await page.getByTestId('category-chosen').getByText('Exposed garbage').waitFor();
      await page.getByTestId('use-device-position').click();
      await page.locator('[data-testid="placement"][data-kind="grid"]').waitFor();
      await page.getByTestId('report-description').fill('Bags of household garbage piled up beside the bins at the east gate.');
      await page.getByTestId('photo-file').setInputFiles(PHOTO);
      await page.getByTestId('photo-preview').waitFor();
      await page.getByLabel(msg('contact.name')).fill('Wang Fang');
      await page.getByLabel(msg('contact.phone')).fill('13800138000');
    });
    await page.locator('[data-testid="location-map"][data-map-loaded="true"]').waitFor();
    await axeCheck(checks, page, 'report form at 390×844');
    await shot(page, 'report-phone.png', true);

    await checks.check('resident: sending shows the tracking code and the case number', async () => {
      await page.getByTestId('report-submit').click();
      await page.getByTestId('report-success').waitFor();
      trackingCode = (await page.getByTestId('tracking-code').textContent())?.trim() ?? '';
      caseNumber = (await page.getByTestId('case-number').textContent())?.trim() ?? '';
      assert(/^[A-Z0-9]{4}(-[A-Z0-9]{4}){3}$/.test(trackingCode), `tracking code ${trackingCode}`);
      assert(/^\d{6}-\d{4}-\d{6}$/.test(caseNumber), `case number ${caseNumber}`);
    });
    await axeCheck(checks, page, 'report success at 390×844');
    await shot(page, 'report-success-phone.png');

    await checks.check('clerk: the new report reaches "to accept" without a reload', async () => {
      await clerk.page.waitForFunction(
        (before) => Number(document.querySelector('[data-testid="queue-to_accept"]')?.getAttribute('data-total')) > before,
        waitingBefore,
      );
    });
    await axeCheck(checks, clerk.page, 'inbox at 1280×800');
    await shot(clerk.page, 'inbox-desk.png');

    await checks.check('clerk: the case shows the photo and a masked reporter, revealed with a reason', async () => {
      await openFromInbox(clerk.page, 'to_accept', caseNumber);
      await clerk.page.locator('[data-testid="case-photos"] img').first().waitFor();
      const masked = (await clerk.page.getByTestId('reporter-phone').textContent()) ?? '';
      assert(masked.includes('*') && !masked.includes('13800138000'), `masked phone: ${masked}`);
      await clerk.page.getByTestId('reveal-reporter').click();
      const dialog = clerk.page.getByRole('dialog');
      await dialog.getByLabel(msg('reporter.revealReason')).fill('Call back about the exact spot');
      await dialog.getByRole('button', { name: msg('reporter.revealSubmit') }).click();
      await clerk.page.getByTestId('reporter-phone').filter({ hasText: '13800138000' }).waitFor();
    });
    await checks.check('clerk: accepts after reviewing the duplicates', async () => {
      await act(clerk.page, 'accept', 'accepted', async (d) => {
        await d.getByLabel(msg('actionField.duplicatesReviewed')).check();
      });
    });

    const worker = await staff('gridworker', true);
    await checks.check('grid worker (phone): confirms on site with a note', async () => {
      await openFromInbox(worker.page, 'to_confirm', caseNumber);
      await act(worker.page, 'confirm', 'confirmed', async (d) => {
        await d.getByLabel(msg('actionField.note')).fill('Seen on site: about ten bags.');
      });
    });
    await axeCheck(checks, worker.page, 'case page at 390×844');
    await shot(worker.page, 'case-phone.png');

    const lead = await staff('shiftlead');
    await checks.check('shift lead: registers with the category and priority filled in', async () => {
      await openFromInbox(lead.page, 'to_register', caseNumber);
      await act(lead.page, 'register', 'registered', async (d) => {
        await d.getByRole('radio', { name: msg('priority.normal') }).check();
      });
    });

    const dispatcher = await staff('dispatcher');
    await checks.check('dispatcher: dispatches to the suggested sanitation department', async () => {
      await openFromInbox(dispatcher.page, 'to_dispatch', caseNumber);
      await act(dispatcher.page, 'dispatch', 'dispatched', async (d) => {
        const select = d.locator('.ant-select').first();
        await select.filter({ hasText: msg('actionField.suggested') }).waitFor();
        const chosen = (await select.textContent()) ?? '';
        assert(chosen.includes(msg('actionField.suggested')), `preselected department: ${chosen}`);
        assert(/sanitation/i.test(chosen), `preselected department is not sanitation: ${chosen}`);
      });
    });

    const dept = await staff('dept');
    await checks.check('department: starts, then reports it handled with an after-photo', async () => {
      await openFromInbox(dept.page, 'to_start', caseNumber);
      await act(dept.page, 'start', 'handling');
      await act(dept.page, 'handle', 'handled', async (d) => {
        await d.getByLabel(msg('actionField.note')).fill('Garbage removed, area swept.');
        await d.getByTestId('photo-file').setInputFiles(PHOTO);
        await d.getByTestId('photo-preview').waitFor();
      });
      await dept.page.locator('[data-testid="case-photos"] li[data-kind="after"]').waitFor();
    });

    await checks.check('grid worker: verifies the result', async () => {
      await openFromInbox(worker.page, 'to_verify', caseNumber);
      await act(worker.page, 'verify_pass', 'verified', async (d) => {
        await d.getByLabel(msg('actionField.note')).fill('Checked: clean.');
      });
    });

    await checks.check('shift lead: closes the verified case', async () => {
      await openFromInbox(lead.page, 'to_close', caseNumber);
      await lead.page.getByTestId('case-clocks').waitFor();
      await lead.page.waitForTimeout(500);
      await shot(lead.page, 'case-desk.png');
      await act(lead.page, 'close', 'closed');
      await lead.page.locator('[data-testid="case-timeline"] li[data-action="close"]').waitFor();
      const actions = await lead.page.locator('[data-testid="case-timeline"] li').evaluateAll((els) => els.map((e) => e.getAttribute('data-action')));
      equal(actions.join(','), 'intake,accept,confirm,register,dispatch,start,handle,verify_pass,close', 'timeline');
    });
    await axeCheck(checks, lead.page, 'case page at 1280×800');

    await checks.check('resident: the tracking page shows the closed case and takes a rating', async () => {
      await page.goto(`/track/${encodeURIComponent(trackingCode)}`);
      await page.locator('[data-testid="tracking-status"] [data-state="closed"]').waitFor();
      await page.getByTestId('reporter-rate').waitFor();
      await page.getByTestId('rating').getByRole('radio').nth(4).click();
      await page.getByTestId('reporter-rate').getByRole('radio', { name: msg('form.yes') }).check();
      await page.getByTestId('rate-submit').click();
      await page.getByTestId('tracking-rated').waitFor();
    });
    await checks.check('resident: the tracking map draws the outline too', async () => {
      await page.locator('[data-testid="point-map"][data-map-loaded="true"]').waitFor();
      await page.waitForFunction(() => Number(document.querySelector('[data-testid="point-map"]')?.getAttribute('data-outline-features')) > 0);
    });
    await axeCheck(checks, page, 'tracking page at 390×844');
    await shot(page, 'tracking-phone.png', true);

    await checks.check('no request left the origin (closed loop)', () => {
      const external = [resident.watch, ...sessions.map((x) => x.s.watch)].flatMap((w) => w.external);
      assert(external.length === 0, external.join('\n'));
    });
    await checks.check('no browser console error (closed loop)', () => {
      const errors = [
        ...resident.watch.errors.map((e) => `resident: ${e}`),
        ...sessions.flatMap((x) => x.s.watch.errors.map((e) => `${x.name}: ${e}`)),
      ];
      assert(errors.length === 0, errors.join('\n'));
    });
  } finally {
    await resident.context.close();
    for (const x of sessions) await x.s.close();
  }
}
