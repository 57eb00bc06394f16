import { QueryClientProvider } from '@tanstack/react-query';
import { ConfigProvider } from 'antd';
import enUS from 'antd/locale/en_US';
import zhCN from 'antd/locale/zh_CN';
import zhTW from 'antd/locale/zh_TW';
import { lazy, type ReactNode, Suspense, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { BrowserRouter, Navigate, Route, Routes } from 'react-router';
import { AppLayout } from './components/app-layout.tsx';
import { PageFallback } from './components/page-fallback.tsx';
import { RequireAuth } from './components/require-auth.tsx';
import { isLanguage, type Language } from './i18n/i18n.ts';
import { LoginPage } from './pages/login/login-page.tsx';
import { NotFoundPage } from './pages/not-found-page.tsx';
import { createQueryClient } from './query-client.ts';
import { theme } from './theme.ts';

// The territory page pulls in MapLibre (~800 kB): load it only when it is visited.
const TerritoryPage = lazy(() =>
  import('./pages/territory/territory-page.tsx').then((m) => ({ default: m.TerritoryPage })),
);

const ANTD_LOCALES = { 'zh-Hant': zhTW, 'zh-Hans': zhCN, en: enUS } as const;

function LocalizedConfig({ children }: { children: ReactNode }) {
  const { i18n } = useTranslation();
  const lang: Language = isLanguage(i18n.language) ? i18n.language : 'en';
  return (
    <ConfigProvider locale={ANTD_LOCALES[lang]} theme={theme}>
      {children}
    </ConfigProvider>
  );
}

export function App() {
  const [queryClient] = useState(createQueryClient);
  return (
    <QueryClientProvider client={queryClient}>
      <LocalizedConfig>
        <BrowserRouter>
          <Routes>
            <Route path="/login" element={<LoginPage />} />
            <Route
              element={
                <RequireAuth>
                  <AppLayout />
                </RequireAuth>
              }
            >
              <Route index element={<Navigate to="/territory" replace />} />
              <Route
                path="territory"
                element={
                  <Suspense fallback={<PageFallback />}>
                    <TerritoryPage />
                  </Suspense>
                }
              />
              <Route path="*" element={<NotFoundPage />} />
            </Route>
          </Routes>
        </BrowserRouter>
      </LocalizedConfig>
    </QueryClientProvider>
  );
}
