import { QueryClientProvider } from '@tanstack/react-query';
import { ConfigProvider } from 'antd';
import enUS from 'antd/locale/en_US';
import zhCN from 'antd/locale/zh_CN';
import zhTW from 'antd/locale/zh_TW';
import { type ComponentType, lazy, type ReactNode, Suspense, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { BrowserRouter, Route, Routes } from 'react-router';
import { AppLayout } from './components/app-layout.tsx';
import { LandingRedirect } from './components/landing-redirect.tsx';
import { COMMAND_VIEW, REGISTRY_IMPORT, REGISTRY_READ } from './components/nav-items.tsx';
import { PageFallback } from './components/page-fallback.tsx';
import { RequireAuth } from './components/require-auth.tsx';
import { RequireRole } from './components/require-role.tsx';
import { isLanguage, type Language } from './i18n/i18n.ts';
import { LoginPage } from './pages/login/login-page.tsx';
import { NotFoundPage } from './pages/not-found-page.tsx';
import { createQueryClient } from './query-client.ts';
import { theme } from './theme.ts';

/** Each page is its own chunk: a resident's phone loads the report page, not the admin screens (nor MapLibre first). */
function lazyPage<P extends object>(load: () => Promise<ComponentType<P>>) {
  return lazy(() => load().then((component) => ({ default: component })));
}

const TerritoryPage = lazyPage(() => import('./pages/territory/territory-page.tsx').then((m) => m.TerritoryPage));
const ReportPage = lazyPage(() => import('./pages/report/report-page.tsx').then((m) => m.ReportPage));
const TrackLookupPage = lazyPage(() => import('./pages/track/track-lookup-page.tsx').then((m) => m.TrackLookupPage));
const TrackingPage = lazyPage(() => import('./pages/track/tracking-page.tsx').then((m) => m.TrackingPage));
const InboxPage = lazyPage(() => import('./pages/inbox/inbox-page.tsx').then((m) => m.InboxPage));
const CaseListPage = lazyPage(() => import('./pages/cases/case-list-page.tsx').then((m) => m.CaseListPage));
const CasePage = lazyPage(() => import('./pages/cases/case-page.tsx').then((m) => m.CasePage));
const StaffReportPage = lazyPage(() => import('./pages/intake/staff-report-page.tsx').then((m) => m.StaffReportPage));
const CategoriesPage = lazyPage(() => import('./pages/admin/categories-page.tsx').then((m) => m.CategoriesPage));
const RoutingRulesPage = lazyPage(() => import('./pages/admin/routing-rules-page.tsx').then((m) => m.RoutingRulesPage));
const CalendarPage = lazyPage(() => import('./pages/admin/calendar-page.tsx').then((m) => m.CalendarPage));

const CommandPage = lazyPage(() => import('./pages/command/command-page.tsx').then((m) => m.CommandPage));
const CommandWallPage = lazyPage(() => import('./pages/command/command-wall-page.tsx').then((m) => m.CommandWallPage));
const ImportPage = lazyPage(() => import('./pages/registry/import-page.tsx').then((m) => m.ImportPage));
const PersonsPage = lazyPage(() => import('./pages/registry/persons-page.tsx').then((m) => m.PersonsPage));
const OrganisationsPage = lazyPage(() => import('./pages/registry/organisations-page.tsx').then((m) => m.OrganisationsPage));

const ANTD_LOCALES = { 'zh-Hant': zhTW, 'zh-Hans': zhCN, en: enUS } as const;

function LocalizedConfig({ children }: { children: ReactNode }) {
  const { i18n } = useTranslation();
  const lang: Language = isLanguage(i18n.language) ? i18n.language : 'en';
  return (
    // No space forced between two CJK characters of a button: action names read as written (結案, not 結 案).
    <ConfigProvider locale={ANTD_LOCALES[lang]} theme={theme} button={{ autoInsertSpace: false }}>
      {children}
    </ConfigProvider>
  );
}

function Page({ children }: { children: ReactNode }) {
  return <Suspense fallback={<PageFallback />}>{children}</Suspense>;
}

export function App() {
  const [queryClient] = useState(createQueryClient);
  return (
    <QueryClientProvider client={queryClient}>
      <LocalizedConfig>
        <BrowserRouter>
          <Routes>
            <Route path="/login" element={<LoginPage />} />
            <Route path="/report" element={<Page><ReportPage /></Page>} />
            <Route path="/track" element={<Page><TrackLookupPage /></Page>} />
            <Route path="/track/:code" element={<Page><TrackingPage /></Page>} />
            <Route
              path="/command/wall"
              element={
                <RequireAuth>
                  <RequireRole roles={COMMAND_VIEW}>
                    <Page>
                      <CommandWallPage />
                    </Page>
                  </RequireRole>
                </RequireAuth>
              }
            />
            <Route
              element={
                <RequireAuth>
                  <AppLayout />
                </RequireAuth>
              }
            >
              <Route index element={<LandingRedirect />} />
              <Route path="inbox" element={<Page><InboxPage /></Page>} />
              <Route path="cases" element={<Page><CaseListPage /></Page>} />
              <Route path="cases/:id" element={<Page><CasePage /></Page>} />
              <Route
                path="desk/new"
                element={
                  <RequireRole roles={['intake_clerk', 'shift_lead', 'dispatcher']}>
                    <Page>
                      <StaffReportPage mode="desk" />
                    </Page>
                  </RequireRole>
                }
              />
              <Route
                path="patrol/new"
                element={
                  <RequireRole roles={['grid_worker']}>
                    <Page>
                      <StaffReportPage mode="patrol" />
                    </Page>
                  </RequireRole>
                }
              />
              <Route path="territory" element={<Page><TerritoryPage /></Page>} />
              <Route path="command" element={<RequireRole roles={COMMAND_VIEW}><Page><CommandPage /></Page></RequireRole>} />
              <Route path="registry/import" element={<RequireRole roles={REGISTRY_IMPORT}><Page><ImportPage /></Page></RequireRole>} />
              <Route path="registry/persons" element={<RequireRole roles={REGISTRY_READ}><Page><PersonsPage /></Page></RequireRole>} />
              <Route path="registry/organisations" element={<RequireRole roles={REGISTRY_READ}><Page><OrganisationsPage /></Page></RequireRole>} />
              <Route path="admin/categories" element={<RequireRole roles={['admin']}><Page><CategoriesPage /></Page></RequireRole>} />
              <Route path="admin/routing-rules" element={<RequireRole roles={['admin']}><Page><RoutingRulesPage /></Page></RequireRole>} />
              <Route path="admin/calendar" element={<RequireRole roles={['admin']}><Page><CalendarPage /></Page></RequireRole>} />
              <Route path="*" element={<NotFoundPage />} />
            </Route>
          </Routes>
        </BrowserRouter>
      </LocalizedConfig>
    </QueryClientProvider>
  );
}
