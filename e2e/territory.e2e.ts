// Browser test of sign-in, languages and the territory page. Run by e2e/run.ts (through `node scripts/e2e.mjs`).
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import {
  assert,
  axeCheck as axeCheckWith,
  type Checks,
  DESK,
  equal,
  login,
  newPage,
  PHONE,
  readMessages,
  SCREENSHOTS,
  type SpecContext,
} from './harness.ts';

const LANGS = ['en', 'zh-Hant', 'zh-Hans'] as const;

// Set by territorySpec: the flows below were written against module-level values.
let checks: Checks;
let PASSWORD = '';

const axeCheck = (page: Page, name: string) => axeCheckWith(checks, page, name);

async function waitForMap(page: Page) {
  const map = page.getByTestId('territory-map');
  await map.locator('canvas.maplibregl-canvas').waitFor();
  await page.waitForSelector('[data-testid="territory-map"][data-rendered-features]', { timeout: 60_000 });
  return {
    source: Number(await map.getAttribute('data-source-features')),
    rendered: Number(await map.getAttribute('data-rendered-features')),
  };
}

async function detailsName(page: Page) {
  return (await page.getByTestId('details-name').textContent())?.trim() ?? '';
}

async function chooseLanguage(page: Page, lang: string) {
  await page.getByTestId('language-switch').click();
  await page.getByTestId(`lang-${lang}`).click();
}

async function deskFlow(browser: Browser, baseUrl: string) {
  const { context, page, watch } = await newPage(browser, baseUrl, DESK);
  try {
    await checks.check('login page renders with a heading and labelled fields', async () => {
      await page.goto('/login');
      await page.getByRole('heading', { level: 1 }).waitFor();
      await page.getByLabel(readMessages('en').login?.username ?? 'Username').waitFor();
      await page.getByLabel(readMessages('en').login?.password ?? 'Password').waitFor();
    });
    await axeCheck(page, 'login at 1280×800');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'login.png') });

    await checks.check('a wrong password shows the server message accessibly', async () => {
      await watch.expecting([/status of 401/], async () => {
        await login(page, 'admin', 'not-the-password');
        const alert = page.getByRole('alert').filter({ has: page.getByTestId('login-error') });
        await alert.waitFor();
        const text = (await page.getByTestId('login-error').textContent())?.trim() ?? '';
        assert(text.length > 0, 'the error message is empty');
      });
    });

    await checks.check('admin signs in and lands on /territory', async () => {
      await login(page, 'admin', PASSWORD);
      await page.waitForURL('**/territory**');
    });

    for (const lang of LANGS) {
      await checks.check(`language switch to ${lang} changes the labels and <html lang>`, async () => {
        const expected = readMessages(lang).nav?.territory;
        assert(expected, `nav.territory missing in ${lang}.json`);
        await chooseLanguage(page, lang);
        await page.waitForFunction(
          ([want, l]) =>
            document.querySelector('[data-testid="nav-territory"]')?.textContent?.trim() === want &&
            document.documentElement.lang === l,
          [expected, lang] as const,
        );
      });
    }
    const apiLanguages: string[] = [];
    page.on('request', (req) => {
      if (new URL(req.url()).pathname.startsWith('/api/')) apiLanguages.push(req.headers()['accept-language'] ?? '');
    });
    await checks.check('the chosen language survives a reload', async () => {
      await page.reload();
      await page.getByTestId('nav-territory').waitFor();
      equal(await page.evaluate(() => document.documentElement.lang), 'zh-Hans', 'html lang after reload');
    });

    let counts = { source: 0, rendered: 0 };
    await checks.check('the map draws the territory polygons', async () => {
      counts = await waitForMap(page);
      assert(counts.source > 0, 'the export returned no feature');
      assert(counts.rendered > 0, `no polygon rendered (source has ${counts.source})`);
      console.log(`        ${counts.rendered} of ${counts.source} polygons rendered`);
    });
    await checks.check('API calls carry the chosen language in Accept-Language', () => {
      assert(apiLanguages.length > 0, 'no API call seen after the reload');
      const wrong = apiLanguages.filter((l) => l !== 'zh-Hans');
      assert(wrong.length === 0, `Accept-Language values: ${JSON.stringify(apiLanguages)}`);
    });

    await checks.check('selecting a tree node shows its details', async () => {
      const node = page.locator('[data-testid="tree-node"][data-in-scope="true"]').nth(1);
      const name = (await node.locator('.gl-tree-name').textContent())?.trim() ?? '';
      const id = await node.getAttribute('data-id');
      await node.click();
      await page.getByTestId('details-name').waitFor();
      equal(await detailsName(page), name, 'details name');
      await page.waitForURL(`**/territory?selected=${id}`);
    });

    await checks.check('clicking the map selects the deepest polygon under the pointer', async () => {
      const box = await page.getByTestId('territory-map').boundingBox();
      assert(box, 'map has no box');
      // Wait until the fly-to of the previous selection settles.
      await page.waitForTimeout(1000);
      const before = await detailsName(page);
      await page.mouse.click(box.x + box.width * 0.4, box.y + box.height * 0.55);
      await page.waitForFunction(
        (prev) => document.querySelector('[data-testid="details-name"]')?.textContent?.trim() !== prev,
        before,
      );
      const level = (await page.getByTestId('details-level').textContent())?.trim();
      const gridLabel = readMessages('zh-Hans').levels?.grid;
      equal(level, gridLabel, 'level of the clicked polygon');
    });

    await checks.check('the parent link selects the parent', async () => {
      const before = await detailsName(page);
      await page.getByTestId('details-parent').click();
      await page.waitForFunction(
        (prev) => document.querySelector('[data-testid="details-name"]')?.textContent?.trim() !== prev,
        before,
      );
      equal(
        (await page.getByTestId('details-level').textContent())?.trim(),
        readMessages('zh-Hans').levels?.community,
        'parent level',
      );
    });

    await checks.check('the tree is usable with the keyboard', async () => {
      const before = await detailsName(page);
      await page.locator('.gl-tree [role="tree"]').focus();
      await page.keyboard.press('ArrowDown');
      await page.keyboard.press('Enter');
      await page.waitForFunction(
        (prev) => document.querySelector('[data-testid="details-name"]')?.textContent?.trim() !== prev,
        before,
      );
    });

    // The screenshot shows a community with its grids: select the parent of the node chosen by keyboard.
    const chosen = await detailsName(page);
    if (await page.getByTestId('details-parent').isVisible()) {
      await page.getByTestId('details-parent').click();
      await page.waitForFunction(
        (prev) => document.querySelector('[data-testid="details-name"]')?.textContent?.trim() !== prev,
        chosen,
      );
    }
    await page.mouse.move(1, DESK.height - 1);
    await page.waitForTimeout(1000);
    await axeCheck(page, 'territory at 1280×800');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'territory-desk.png') });

    await checks.check('an unknown address falls back to the app and says the page is not found', async () => {
      await page.goto('/no-such-page');
      await page.getByRole('heading', { level: 1, name: readMessages('zh-Hans').notFound?.title ?? '' }).waitFor();
    });

    await checks.check('no request left the origin', () => {
      assert(watch.external.length === 0, watch.external.join('\n'));
    });
    await checks.check('no browser console error (desk)', () => {
      assert(watch.errors.length === 0, watch.errors.join('\n'));
    });
    return await context.storageState();
  } finally {
    await context.close();
  }
}

type StorageState = Awaited<ReturnType<BrowserContext['storageState']>>;

async function phoneFlow(browser: Browser, baseUrl: string, state: StorageState) {
  const { context, page, watch } = await newPage(browser, baseUrl, PHONE, true);
  try {
    await page.goto('/login');
    await page.getByTestId('login-submit').waitFor();
    await axeCheck(page, 'login at 390×844');

    await context.addCookies(state.cookies);
    await page.goto('/territory');
    await checks.check('phone: the map renders below the tree', async () => {
      const counts = await waitForMap(page);
      assert(counts.rendered > 0, 'no polygon rendered');
      const tree = await page.locator('.gl-tree-panel').boundingBox();
      const map = await page.getByTestId('territory-map').boundingBox();
      assert(tree && map && tree.y + tree.height <= map.y + 1, 'the tree is not above the map');
      assert(map.width <= PHONE.width, `map wider than the phone (${map.width})`);
    });
    await checks.check('phone: the navigation opens in a drawer', async () => {
      await page.getByTestId('open-navigation').click();
      await page.locator('.gl-nav-drawer [data-testid="nav-territory"]').waitFor();
      await page.keyboard.press('Escape');
      await page.locator('.gl-nav-drawer [data-testid="nav-territory"]').waitFor({ state: 'hidden' });
    });
    await page.waitForTimeout(500);
    await axeCheck(page, 'territory at 390×844');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'territory-phone.png') });
    await checks.check('no browser console error (phone)', () => {
      assert(watch.errors.length === 0, watch.errors.join('\n'));
    });
  } finally {
    await context.close();
  }
}

async function gridWorkerFlow(browser: Browser, baseUrl: string) {
  const { context, page, watch } = await newPage(browser, baseUrl, DESK);
  try {
    await checks.check('admin signs out through the user menu', async () => {
      await login(page, 'admin', PASSWORD);
      await page.waitForURL('**/territory**');
      await page.getByTestId('user-menu').click();
      await page.getByTestId('logout').click();
      await page.waitForURL('**/login');
    });
    await checks.check('gridworker sees one grid in scope plus its ancestors', async () => {
      await login(page, 'gridworker', PASSWORD);
      // Grid workers land on their inbox; the territory is one click away.
      await page.waitForURL('**/inbox**');
      await page.getByTestId('nav-territory').click();
      await page.waitForURL('**/territory**');
      await page.locator('[data-testid="tree-node"]').first().waitFor();
      const nodes = await page.locator('[data-testid="tree-node"]').evaluateAll((els) =>
        els.map((el) => ({
          level: el.getAttribute('data-level'),
          inScope: el.getAttribute('data-in-scope') === 'true',
        })),
      );
      const grids = nodes.filter((n) => n.level === 'grid');
      equal(grids.length, 1, 'grids in the tree');
      equal(grids[0]?.inScope, true, 'the grid is in scope');
      const above = ['city', 'district', 'street', 'community'];
      const ancestors = nodes.filter((n) => !n.inScope);
      assert(ancestors.length > 0, 'no ancestor shown');
      assert(
        ancestors.every((n) => above.includes(n.level ?? '')),
        `unexpected out-of-scope nodes: ${JSON.stringify(ancestors)}`,
      );
      assert(
        new Set(ancestors.map((n) => n.level)).size === ancestors.length,
        `ancestors are not a single chain: ${JSON.stringify(ancestors)}`,
      );
      const inScopeOthers = nodes.filter((n) => n.inScope && n.level !== 'grid' && n.level !== 'compound');
      equal(inScopeOthers.length, 0, 'in-scope nodes above the grid');
    });
    await checks.check('gridworker map draws only the scope', async () => {
      const counts = await waitForMap(page);
      assert(counts.rendered >= 1, 'no polygon rendered');
      const treeInScope = await page.locator('[data-testid="tree-node"][data-in-scope="true"]').count();
      equal(counts.source, treeInScope, 'polygons in the export vs in-scope tree nodes');
    });
    await checks.check('no browser console error (grid worker)', () => {
      assert(watch.errors.length === 0, watch.errors.join('\n'));
    });
  } finally {
    await context.close();
  }
}

export async function territorySpec(ctx: SpecContext): Promise<void> {
  checks = ctx.checks;
  PASSWORD = ctx.password;
  const state = await deskFlow(ctx.browser, ctx.baseUrl);
  await phoneFlow(ctx.browser, ctx.baseUrl, state);
  await gridWorkerFlow(ctx.browser, ctx.baseUrl);
}
