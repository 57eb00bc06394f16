// Basic data on the territory map (clustered components and building centroids, footprints at street zoom, read back
// from MapLibre itself through the test hook), the completeness drill-down's paging, the completeness layer at phone
// width, and the organisations page. Called by registry.e2e.ts.
import path from 'node:path';
import type { Page } from 'playwright-core';
import { assert, axeCheck, type Checks, SCREENSHOTS } from './harness.ts';
import { msg } from './loop-helpers.ts';

/** Lets the territory map hand itself to `window.__gridloopMap` (see src/web/pages/territory/map-detail.ts). */
export async function enableMapHook(page: Page): Promise<void> {
  await page.addInitScript(() => {
    (window as unknown as { __GRIDLOOP_TEST_HOOKS__: boolean }).__GRIDLOOP_TEST_HOOKS__ = true;
  });
}

/** How many features of these layers MapLibre has drawn on the canvas (0 while a layer is missing). */
function renderedCount(page: Page, layers: string[]): Promise<number> {
  return page.evaluate((ls) => {
    const map = (window as unknown as { __gridloopMap?: import('maplibre-gl').Map }).__gridloopMap;
    if (!map || ls.some((l) => !map.getLayer(l))) return 0;
    return map.queryRenderedFeatures({ layers: ls }).length;
  }, layers);
}

async function waitDrawn(page: Page, layers: string[], what: string): Promise<number> {
  await page
    .waitForFunction(
      (ls) => {
        const map = (window as unknown as { __gridloopMap?: import('maplibre-gl').Map }).__gridloopMap;
        return !!map && ls.every((l) => map.getLayer(l)) && map.queryRenderedFeatures({ layers: ls }).length > 0;
      },
      layers,
      { timeout: 60_000 },
    )
    .catch(() => {
      throw new Error(`${what}: nothing drawn on layers ${layers.join(', ')}`);
    });
  return renderedCount(page, layers);
}

async function jumpTo(page: Page, center: [number, number], zoom: number): Promise<void> {
  await page.evaluate(
    ([c, z]) => {
      const map = (window as unknown as { __gridloopMap?: import('maplibre-gl').Map }).__gridloopMap;
      map?.jumpTo({ center: c as [number, number], zoom: z as number });
    },
    [center, zoom] as const,
  );
}

/** Picks an option of the open antd Select by its text (the role=option elements antd renders are its hidden a11y copy). */
async function pickOption(page: Page, text: string): Promise<void> {
  await page.locator('.ant-select-dropdown:visible .ant-select-item-option').filter({ hasText: text }).first().click();
}

/** The map checks, on a desk page signed in as a role that reads basic data. */
export async function mapChecks(checks: Checks, page: Page, building: { lng: number; lat: number }): Promise<void> {
  await checks.check('territory: components and building centroids load as clustered points and are drawn', async () => {
    await page.goto('/territory');
    await page.getByTestId('map-detail').waitFor();
    await page.waitForFunction(() => !!(window as unknown as { __gridloopMap?: unknown }).__gridloopMap, undefined, { timeout: 60_000 });
    await jumpTo(page, [building.lng, building.lat], 14);
    await page.waitForSelector('[data-testid="map-detail"][data-components][data-building-points]', { timeout: 60_000 });
    const detail = page.getByTestId('map-detail');
    const components = Number(await detail.getAttribute('data-components'));
    const buildings = Number(await detail.getAttribute('data-building-points'));
    assert(components > 0 && buildings > 0, `loaded ${components} components and ${buildings} buildings`);
    const c = await waitDrawn(page, ['component-clusters', 'component-points'], 'components');
    const b = await waitDrawn(page, ['building-clusters', 'building-points'], 'building centroids');
    console.log(`        ${components} components and ${buildings} buildings loaded; ${c} and ${b} clusters or points drawn at zoom 14`);
  });
  await checks.check('territory: at street zoom the building footprints in view are drawn', async () => {
    await jumpTo(page, [building.lng, building.lat], 17);
    await page.waitForSelector('[data-testid="map-detail"][data-footprints]', { timeout: 60_000 });
    const footprints = Number(await page.getByTestId('map-detail').getAttribute('data-footprints'));
    assert(footprints > 0, `no footprints in view (${footprints})`);
    const drawn = await waitDrawn(page, ['buildings-fill'], 'footprints');
    const text = (await page.getByTestId('map-detail').textContent()) ?? '';
    assert(!text.includes(msg('registry.mapLayer.truncated')), `footprints truncated at zoom 17: ${text}`);
    console.log(`        ${footprints} footprints in view, ${drawn} drawn`);
  });
  await page.screenshot({ path: path.join(SCREENSHOTS, 'territory-buildings-desk.png') });
}

/** The drill-down of persons with missing fields pages on with "Show more". */
export async function drillDownChecks(checks: Checks, page: Page): Promise<void> {
  await checks.check('completeness drill-down: persons with missing fields, a page more on request', async () => {
    const missing = page.getByTestId('completeness-missing');
    await missing.locator('.ant-select').click();
    await pickOption(page, msg('registry.completeness.missing.persons_incomplete'));
    const items = page.getByTestId('completeness-missing-list').locator('li');
    await items.first().waitFor({ timeout: 60_000 });
    const first = await items.count();
    const more = page.getByTestId('completeness-missing-more');
    assert(await more.isVisible(), `no "show more" after ${first} records`);
    await more.click();
    await page.waitForFunction((n) => document.querySelectorAll('[data-testid="completeness-missing-list"] li').length > n, first, { timeout: 60_000 });
    console.log(`        ${first} then ${await items.count()} incomplete persons listed`);
  });
}

/** The completeness layer at phone width. */
export async function phoneCompletenessChecks(checks: Checks, page: Page): Promise<void> {
  await checks.check('phone: the territory page with the completeness layer renders its legend and table', async () => {
    await page.goto('/territory?layer=completeness');
    await page.getByTestId('completeness-legend').waitFor();
    await page.getByTestId('completeness-table').locator('tbody tr.ant-table-row').first().waitFor({ timeout: 60_000 });
  });
  await axeCheck(checks, page, 'territory completeness at 390×844');
  await page.screenshot({ path: path.join(SCREENSHOTS, 'territory-completeness-phone.png') });
}

/** An administrator registers an organisation; it is listed with its contact's phone masked. */
export async function organisationChecks(checks: Checks, page: Page, suffix: string): Promise<void> {
  const name = `翠湖园物业服务有限公司${suffix}`;
  await checks.check('organisations: an administrator registers a property company from the form', async () => {
    await page.getByTestId('nav-registryOrganisations').click();
    await page.waitForURL('**/registry/organisations');
    await page.getByTestId('organisation-new').click();
    const form = page.getByTestId('organisation-form');
    await form.waitFor();
    await form.getByLabel(msg('registry.organisation.kind')).click();
    await pickOption(page, msg('registry.organisationKind.property_company'));
    await page.getByTestId('organisation-name').fill(name);
    // Typed and chosen with the keyboard, as in any combobox.
    await form.getByLabel(msg('registry.organisation.jurisdiction')).fill('Dongcheng District');
    await page.locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden) .ant-select-item-option', { hasText: 'Dongcheng District' }).first().waitFor();
    await page.keyboard.press('Enter');
    await page.getByTestId('organisation-contact-phone').fill('13812345678');
    await page.getByTestId('organisation-save').click();
    await page.getByText(msg('registry.organisations.saved')).waitFor();
    await page.getByTestId('organisation-phone').filter({ hasText: '138****5678' }).waitFor();
  });
  await checks.check('organisations: the new one is listed with its phone masked', async () => {
    await page.getByRole('button', { name: msg('registry.persons.close') }).click();
    await page.getByTestId('organisation-search-input').fill(name);
    await page.getByTestId('organisation-search-submit').click();
    const row = page.getByRole('row').filter({ hasText: name });
    await row.waitFor();
    const text = (await row.textContent()) ?? '';
    assert(text.includes('138****5678') && !text.includes('13812345678'), `row not masked: ${text}`);
  });
  await axeCheck(checks, page, 'registry organisations at 1280×800');
  await page.screenshot({ path: path.join(SCREENSHOTS, 'registry-organisations-desk.png') });
}
