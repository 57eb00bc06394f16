// The command center (issue 5): the leader opens the city's dashboard, drills down to a grid whose open count must
// equal the case list's, and the wall mode is photographed at 1920×1080. Run by e2e/run.ts (`node scripts/e2e.mjs command`).
import path from 'node:path';
import type { Page } from 'playwright-core';
import { OPEN_STATES } from '../src/web/case-types.ts';
import { assert, axeCheck, DESK, equal, PHONE, SCREENSHOTS, type SpecContext } from './harness.ts';
import { msg, pointInGridWorkersGrid, type StaffSession, staffSession } from './loop-helpers.ts';

const WALL = { width: 1920, height: 1080 };
const DRILL_LEVELS = ['district', 'street', 'community', 'grid'] as const;

const shot = (page: Page, name: string) => page.screenshot({ path: path.join(SCREENSHOTS, name) });

/** The dashboard has drawn its node: tiles, the map's first data and both charts' canvases. */
async function dashboardReady(page: Page, nodeId?: string) {
  const root = nodeId ? `[data-testid="command-page"][data-node="${nodeId}"]` : '[data-testid="command-page"][data-node]';
  await page.locator(root).waitFor({ timeout: 60_000 });
  await page.getByTestId('command-tiles').waitFor();
  await page.locator('[data-testid="command-map"][data-map-loaded="true"][data-points]').waitFor({ timeout: 60_000 });
  await page.getByTestId('command-trend-canvas').locator('canvas').waitFor();
}

/** Case list totals for a grid's open cases, through the page's own session (as a user would filter the list). */
async function caseListTotal(page: Page, gridId: string, extra = ''): Promise<number> {
  const states = OPEN_STATES.map((s) => `state=${s}`).join('&');
  const res = await page.request.get(`/api/cases?grid=${gridId}&${states}&limit=1${extra}`);
  assert(res.ok(), `GET /api/cases: HTTP ${res.status()}`);
  return ((await res.json()) as { total: number }).total;
}

export async function commandSpec({ browser, baseUrl, checks, password }: SpecContext): Promise<void> {
  const sessions: Array<{ name: string; s: StaffSession }> = [];
  const staff = async (name: string, viewport: typeof DESK, phone = false) => {
    const s = await staffSession(browser, baseUrl, name, password, viewport, phone);
    sessions.push({ name, s });
    return s;
  };
  try {
    const { page } = await staff('leader', DESK);
    await checks.check('leader: the navigation opens the command center of the city with its tiles', async () => {
      await page.getByTestId('nav-commandCenter').click();
      await page.waitForURL('**/command');
      await dashboardReady(page);
      await page.locator('[data-testid="breadcrumb-current"][data-level="city"]').waitFor();
      for (const tile of ['intakeToday', 'open', 'overdue', 'onTimeClosureRate', 'satisfactionRate']) {
        await page.getByTestId(`tile-${tile}`).waitFor();
      }
      const open = Number(await page.getByTestId('tile-open').getAttribute('data-value'));
      assert(open > 0, `the demo city shows ${open} open cases`);
    });
    await checks.check('the dashboard is live through /api/stream', async () => {
      await page.locator('[data-testid="live-status"][data-status="live"]').waitFor();
    });
    await checks.check('the map and the charts have text alternatives', async () => {
      const description = (await page.getByTestId('command-map-description').textContent()) ?? '';
      assert(/\d/.test(description), `map description: ${description}`);
      const label = await page.getByTestId('command-trend-canvas').getAttribute('aria-label');
      assert(label && label.length > 10, `trend chart label: ${label}`);
      assert((await page.locator('[data-testid="command-ranking-table"] tbody tr').count()) > 0, 'the ranking table is empty');
    });
    await axeCheck(checks, page, 'command center at 1280×800');
    await shot(page, 'command-desk.png');

    await checks.check('the map switches to a heat map and colours the areas by overdue cases', async () => {
      const legend = page.getByTestId('command-map-legend');
      await page.getByTestId('map-layer').getByText(msg('command.map.heat')).click();
      await legend.getByText(msg('command.map.pointsLegend')).waitFor({ state: 'detached' });
      await page.getByTestId('map-metric').getByText(msg('command.map.metric.overdue')).click();
      await legend.getByText(msg('command.map.areasLegend').replace('{{metric}}', msg('command.map.metric.overdue'))).waitFor();
      await page.getByTestId('map-layer').getByText(msg('command.map.points')).click();
      await legend.getByText(msg('command.map.pointsLegend')).waitFor();
    });
    await checks.check('the period picker puts the period into the address', async () => {
      await page.getByTestId('period-picker').getByText(msg('command.period.7d')).click();
      await page.waitForURL('**/command?period=7d');
      await page.getByTestId('period-picker').getByText(msg('command.period.30d')).click();
      await page.waitForURL((url) => url.pathname === '/command' && !url.searchParams.has('period'));
    });

    let gridId = '';
    for (const level of DRILL_LEVELS) {
      await checks.check(`leader: drills down to the busiest ${level}`, async () => {
        const links = page.locator(`[data-testid="child-link"][data-level="${level}"]`);
        await links.first().waitFor();
        // The child with the most open cases, so that the grid at the end has figures to compare.
        const opens = await links.evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-open'))));
        const best = opens.indexOf(Math.max(...opens));
        const id = (await links.nth(best).getAttribute('data-id')) ?? '';
        // By id: a live refresh may re-sort the table between reading it and clicking.
        await page.locator(`[data-testid="child-link"][data-id="${id}"]`).click();
        await page.waitForURL(`**/command?jurisdiction=${id}`);
        await page.locator(`[data-testid="breadcrumb-current"][data-id="${id}"][data-level="${level}"]`).waitFor();
        await dashboardReady(page, id);
        gridId = id;
      });
    }
    await checks.check("the grid's open count equals the case list's total for its open states", async () => {
      const shown = Number(await page.getByTestId('tile-open').getAttribute('data-value'));
      const total = await caseListTotal(page, gridId);
      equal(shown, total, `open cases of grid ${gridId} (tile vs GET /api/cases)`);
      assert(total > 0, `grid ${gridId} has no open case: nothing was compared`);
      console.log(`        grid ${gridId}: ${shown} open cases`);
    });
    await checks.check("the grid's overdue count equals the case list's open and red cases", async () => {
      const shown = Number(await page.getByTestId('tile-overdue').getAttribute('data-value'));
      equal(shown, await caseListTotal(page, gridId, '&light=red'), `overdue cases of grid ${gridId}`);
    });
    await checks.check('at a grid the responsibility chain climbs to the district', async () => {
      const chain = page.getByTestId('command-responsibility');
      await chain.locator('[data-testid="chain-link"][data-level="district"]').waitFor();
      for (const level of ['grid', 'community', 'street']) await chain.locator(`[data-testid="chain-link"][data-level="${level}"]`).waitFor();
    });
    await axeCheck(checks, page, 'command center of a grid at 1280×800');
    await checks.check('the breadcrumb goes back up to the city', async () => {
      await page.locator('[data-testid="breadcrumb-link"][data-level="city"]').click();
      await page.locator('[data-testid="breadcrumb-current"][data-level="city"]').waitFor();
    });

    const admin = await staff('admin', DESK);
    await checks.check("admin: names a person in the grid's responsibility chain", async () => {
      await admin.page.goto(`/command?jurisdiction=${gridId}`);
      const panel = admin.page.getByTestId('command-responsibility');
      // A name of this run: the chain keeps what earlier runs against the same server saved.
      const name = `Zhou Hong ${Date.now().toString(36)}`;
      await panel.getByTestId('responsibility-edit').click();
      await panel.getByTestId('responsibility-add').click();
      const entry = panel.locator('fieldset').last();
      await entry.getByLabel(msg('command.responsibility.role')).fill('Community secretary');
      await entry.getByLabel(msg('command.responsibility.name')).fill(name);
      await entry.getByLabel(msg('command.responsibility.phone')).fill('138-1234-5678');
      await panel.getByTestId('responsibility-save').click();
      await panel.getByTestId('responsibility-form').waitFor({ state: 'hidden' });
      await panel.locator('[data-testid="chain-link"][data-level="grid"]').getByText(name).waitFor();
    });

    const phone = await staff('leader', PHONE, true);
    await checks.check('leader (phone): the command center fits 390×844', async () => {
      await phone.page.goto('/command');
      await dashboardReady(phone.page);
      const overflow = await phone.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert(overflow <= 0, `the page is ${overflow}px wider than the screen`);
    });
    await axeCheck(checks, phone.page, 'command center at 390×844');

    const wall = await staff('leader', WALL);
    await checks.check('leader: wall mode is dark, full screen and without the side navigation', async () => {
      await wall.page.goto('/command/wall');
      await dashboardReady(wall.page);
      assert((await wall.page.locator('.gl-nav').count()) === 0, 'the side navigation is shown on the wall');
      const bg = await wall.page.evaluate(() => getComputedStyle(document.querySelector('.gl-command-wall-page') as Element).backgroundColor);
      equal(bg, 'rgb(11, 21, 38)', 'wall background');
      // Let the charts finish their entry animation before the photograph.
      await wall.page.waitForTimeout(1200);
    });
    await shot(wall.page, 'command-wall.png');
    await axeCheck(checks, wall.page, 'command wall at 1920×1080');

    await checks.check("the wall follows the city live: a resident's report raises today's intake without a reload", async () => {
      const tile = wall.page.getByTestId('tile-intakeToday');
      const before = Number(await tile.getAttribute('data-value'));
      const point = await pointInGridWorkersGrid(baseUrl, password);
      const res = await fetch(`${baseUrl}/api/reports`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          categoryCode: 'E0201',
          lat: point.lat,
          lng: point.lng,
          description: 'Flyers pasted on the lamp posts (command center live test).',
          reporterPhone: '13900139001',
        }),
      });
      assert(res.ok, `POST /api/reports: HTTP ${res.status} ${await res.text()}`);
      await wall.page.locator(`[data-testid="tile-intakeToday"][data-value="${before + 1}"]`).waitFor();
      const said = (await wall.page.getByTestId('tiles-announcement').textContent()) ?? '';
      assert(said.includes(msg('command.tiles.intakeToday')), `the live region said: ${said}`);
    });

    await checks.check('no request left the origin (command center)', () => {
      const external = sessions.flatMap((x) => x.s.watch.external);
      assert(external.length === 0, external.join('\n'));
    });
    await checks.check('no browser console error (command center)', () => {
      const errors = sessions.flatMap((x) => x.s.watch.errors.map((e) => `${x.name}: ${e}`));
      assert(errors.length === 0, errors.join('\n'));
    });
  } finally {
    for (const x of sessions) await x.s.close();
  }
}
