import { useTranslation } from 'react-i18next';
import { NavLink } from 'react-router';
import type { NavItem } from './nav-items.tsx';

interface SideNavProps {
  items: readonly NavItem[];
  onNavigate?: () => void;
}

// Plain links in a list: navigation is not an ARIA menu, and links keep middle-click and "open in new tab".
export function SideNav({ items, onNavigate }: SideNavProps) {
  const { t } = useTranslation();
  return (
    <nav aria-label={t('nav.label')} className="gl-nav">
      <ul>
        {items.map((item) => (
          <li key={item.key}>
            <NavLink
              to={item.path}
              data-testid={`nav-${item.key}`}
              className={({ isActive }) => (isActive ? 'gl-nav-link gl-nav-link-active' : 'gl-nav-link')}
              onClick={onNavigate}
            >
              <span className="gl-nav-icon" aria-hidden="true">
                {item.icon}
              </span>
              <span>{t(item.labelKey)}</span>
            </NavLink>
          </li>
        ))}
      </ul>
    </nav>
  );
}
