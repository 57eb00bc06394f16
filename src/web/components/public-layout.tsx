import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, NavLink } from 'react-router';
import { useConfig } from '../session.ts';
import { BrandMark } from './brand-mark.tsx';
import { LanguageSwitch } from './language-switch.tsx';

/** The frame of the resident pages: no sign-in, phone first, the two things a resident comes for. */
export function PublicLayout({ children }: { children: ReactNode }) {
  const { t } = useTranslation();
  const config = useConfig();
  const link = ({ isActive }: { isActive: boolean }) => (isActive ? 'gl-public-link gl-public-link-active' : 'gl-public-link');
  return (
    <div className="gl-public">
      <a className="gl-skip-link" href="#main-content">
        {t('app.skipToContent')}
      </a>
      <header className="gl-public-header">
        <Link to="/report" className="gl-brand">
          <BrandMark />
          <span className="gl-brand-name">{t('app.name')}</span>
        </Link>
        <LanguageSwitch tone="dark" compact />
      </header>
      <nav className="gl-public-nav" aria-label={t('publicNav.label')}>
        <NavLink to="/report" className={link} data-testid="public-nav-report">
          {t('publicNav.report')}
        </NavLink>
        <NavLink to="/track" className={link} data-testid="public-nav-track">
          {t('publicNav.track')}
        </NavLink>
      </nav>
      <main id="main-content" tabIndex={-1} className="gl-public-main">
        {children}
      </main>
      <footer className="gl-public-footer">
        <span>{t('app.tagline')}</span>
        {config.data?.demo ? <span>{t('app.demoBanner')}</span> : null}
        <Link to="/login">{t('publicNav.staffSignIn')}</Link>
      </footer>
    </div>
  );
}
