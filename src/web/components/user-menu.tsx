import { DownOutlined, LogoutOutlined, UserOutlined } from '@ant-design/icons';
import { Button, Dropdown, type MenuProps } from 'antd';
import { useTranslation } from 'react-i18next';
import { isLanguage } from '../i18n/i18n.ts';
import { logout } from '../session.ts';
import type { User } from '../types.ts';

export function UserMenu({ user, compact = false }: { user: User; compact?: boolean }) {
  const { t, i18n } = useTranslation();
  const lang = isLanguage(i18n.language) ? i18n.language : 'en';
  const items: MenuProps['items'] = [
    {
      key: 'logout',
      icon: <LogoutOutlined />,
      label: <span data-testid="logout">{t('header.logout')}</span>,
    },
  ];
  return (
    <Dropdown
      trigger={['click']}
      menu={{
        items,
        onClick: ({ key }) => {
          if (key === 'logout') void logout();
        },
      }}
      // Who is signed in and where: read-only facts above the one action, not disabled menu items.
      popupRender={(menu) => (
        <div className="gl-user-popup">
          <div className="gl-user-card">
            <div className="gl-user-card-name">{user.displayName}</div>
            <div className="gl-user-card-username">{user.username}</div>
            {user.roles.length > 0 ? (
              <>
                <div className="gl-user-card-heading">{t('header.rolesHeading')}</div>
                <ul className="gl-user-card-roles">
                  {user.roles.map((r) => (
                    <li key={`${r.role}-${r.jurisdictionId}`}>
                      {t('roles.assignment', {
                        role: t(`roles.${r.role}`),
                        jurisdiction: r.jurisdictionNames?.[lang] || r.jurisdictionName,
                      })}
                    </li>
                  ))}
                </ul>
              </>
            ) : null}
          </div>
          {menu}
        </div>
      )}
    >
      <Button
        type="text"
        className="gl-user-menu"
        data-testid="user-menu"
        aria-label={t('header.userMenu', { name: user.displayName })}
        icon={<UserOutlined />}
      >
        {compact ? null : <span className="gl-user-name">{user.displayName}</span>}
        <DownOutlined className="gl-caret" />
      </Button>
    </Dropdown>
  );
}
