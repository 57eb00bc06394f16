// Steps the closed-loop specs share: a point in the grid worker's grid, staff sessions, and taking an action.
import type { Browser, Page } from 'playwright-core';
import { TINY_JPEG } from '../src/testing/uploads.ts';
import { assert, DESK, login, newPage, type PageWatch, readMessages } from './harness.ts';

export const EN = readMessages('en');

/** A message of en.json by its dotted key, so that the tests read what a user reads. */
export function msg(key: string): string {
  let node: unknown = EN;
  for (const part of key.split('.')) node = (node as Record<string, unknown> | undefined)?.[part];
  assert(typeof node === 'string', `no message ${key} in en.json`);
  return node;
}

export const PHOTO = { name: 'photo.jpg', mimeType: 'image/jpeg', buffer: Buffer.from(TINY_JPEG) };

async function apiLogin(baseUrl: string, username: string, password: string): Promise<string> {
  const res = await fetch(`${baseUrl}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  assert(res.ok, `API login of ${username}: HTTP ${res.status}`);
  return res.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
}

type Ring = number[][];

/** The centroid of a ring (shoelace): inside any convex cell, as the demo's Voronoi grids are. */
function centroid(ring: Ring): { lat: number; lng: number } {
  let a = 0;
  let x = 0;
  let y = 0;
  for (let i = 0; i < ring.length - 1; i++) {
    const [x0 = 0, y0 = 0] = ring[i] ?? [];
    const [x1 = 0, y1 = 0] = ring[i + 1] ?? [];
    const f = x0 * y1 - x1 * y0;
    a += f;
    x += (x0 + x1) * f;
    y += (y0 + y1) * f;
  }
  return { lng: x / (3 * a), lat: y / (3 * a) };
}

/** A point inside the grid worker's grid, read from the territory export as the grid worker sees it. */
export async function pointInGridWorkersGrid(baseUrl: string, password: string) {
  const cookie = await apiLogin(baseUrl, 'gridworker', password);
  const res = await fetch(`${baseUrl}/api/territory/export`, { headers: { cookie } });
  assert(res.ok, `territory export: HTTP ${res.status}`);
  const fc = (await res.json()) as {
    features: Array<{ properties: { id: string; level: string }; geometry: { type: string; coordinates: unknown } }>;
  };
  const grid = fc.features.find((f) => f.properties.level === 'grid');
  assert(grid, 'the grid worker sees no grid');
  const g = grid.geometry;
  const ring = (g.type === 'Polygon' ? (g.coordinates as Ring[])[0] : (g.coordinates as Ring[][])[0]?.[0]) ?? [];
  const point = centroid(ring);
  const located = await fetch(`${baseUrl}/api/grids/locate?lat=${point.lat}&lng=${point.lng}`);
  const body = (await located.json()) as { grid?: { id: string } };
  assert(body.grid?.id === grid.properties.id, `the centroid ${JSON.stringify(point)} is not in the grid worker's grid`);
  return { ...point, gridId: grid.properties.id };
}

export interface StaffSession {
  page: Page;
  watch: PageWatch;
  close: () => Promise<void>;
}

/** A signed-in staff member in a browser context of their own. */
export async function staffSession(
  browser: Browser,
  baseUrl: string,
  username: string,
  password: string,
  viewport = DESK,
  phone = false,
): Promise<StaffSession> {
  const { context, page, watch } = await newPage(browser, baseUrl, viewport, phone);
  await login(page, username, password);
  await page.waitForURL((url) => !url.pathname.startsWith('/login'));
  return { page, watch, close: () => context.close() };
}

/**
 * Opens a case from a queue of the inbox, by its number. A queue lists its 50 most urgent cases: behind a long
 * demo history a fresh case may not be among them, and then the case list's search finds it.
 */
export async function openFromInbox(page: Page, queue: string, number: string) {
  await page.goto('/inbox');
  const section = page.locator(`[data-testid="queue-${queue}"]`);
  await section.waitFor();
  const link = section.locator('[data-testid="case-link"]', { hasText: number });
  if ((await link.count()) > 0) {
    await link.click();
  } else {
    const total = Number(await section.getAttribute('data-total'));
    assert(total > 50, `case ${number} is not in the ${queue} queue (${total} cases)`);
    await page.goto(`/cases?q=${encodeURIComponent(number)}`);
    await page.locator('[data-testid="case-link"]', { hasText: number }).first().click();
  }
  await page.locator(`[data-testid="case-page"]`).waitFor();
  await page.getByRole('heading', { level: 1, name: number }).waitFor();
}

/** Takes an action through its dialog and waits for the case to reach the expected state. */
export async function act(page: Page, action: string, expectedState: string, fill?: (dialog: ReturnType<Page['getByRole']>) => Promise<void>) {
  await page.getByTestId(`action-${action}`).click();
  const dialog = page.getByRole('dialog');
  await dialog.waitFor();
  if (fill) await fill(dialog);
  await dialog.getByTestId('action-submit').click();
  await dialog.waitFor({ state: 'hidden' });
  await page.locator(`[data-testid="case-page"][data-state="${expectedState}"]`).waitFor();
}
