import { MenuOutlined } from '@ant-design/icons';
import { Alert, Button, Drawer, Layout } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, Outlet } from 'react-router';
import { useIsPhone } from '../lib/use-media-query.ts';
import { rolesOf, useConfig, useSession } from '../session.ts';
import { BrandMark } from './brand-mark.tsx';
import { LanguageSwitch } from './language-switch.tsx';
import { visibleNavItems } from './nav-items.tsx';
import { SideNav } from './side-nav.tsx';
import { UserMenu } from './user-menu.tsx';

const { Header, Sider, Content } = Layout;

export function AppLayout() {
  const { t } = useTranslation();
  const session = useSession();
  const config = useConfig();
  const isPhone = useIsPhone();
  const [drawerOpen, setDrawerOpen] = useState(false);
  const user = session.data?.user;
  const navItems = visibleNavItems(rolesOf(session.data));

  return (
    <Layout className="gl-shell">
      <a className="gl-skip-link" href="#main-content">
        {t('app.skipToContent')}
      </a>
      <Header className="gl-header">
        {isPhone ? (
          <Button
            type="text"
            className="gl-header-button"
            aria-label={t('header.openNavigation')}
            aria-expanded={drawerOpen}
            data-testid="open-navigation"
            icon={<MenuOutlined />}
            onClick={() => setDrawerOpen(true)}
          />
        ) : null}
        <Link to="/" className="gl-brand">
          <BrandMark />
          <span className="gl-brand-name">{t('app.name')}</span>
        </Link>
        <div className="gl-header-spacer" />
        <LanguageSwitch tone="dark" compact={isPhone} />
        {user ? <UserMenu user={user} compact={isPhone} /> : null}
      </Header>
      <Layout>
        {isPhone ? (
          <Drawer
            open={drawerOpen}
            onClose={() => setDrawerOpen(false)}
            placement="left"
            size={260}
            title={t('header.navigation')}
            className="gl-nav-drawer"
          >
            <SideNav items={navItems} onNavigate={() => setDrawerOpen(false)} />
          </Drawer>
        ) : (
          <Sider width={208} className="gl-sider" theme="light">
            <SideNav items={navItems} />
          </Sider>
        )}
        <Content id="main-content" tabIndex={-1} className="gl-content">
          {config.data?.demo ? (
            <Alert className="gl-demo-banner" type="info" showIcon banner title={t('app.demoBanner')} />
          ) : null}
          <Outlet />
        </Content>
      </Layout>
    </Layout>
  );
}
