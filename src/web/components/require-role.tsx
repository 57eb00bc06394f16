import { Result } from 'antd';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { rolesOf, useSession } from '../session.ts';
import type { Role } from '../types.ts';

/** A page for some roles only: others get a plain explanation (the server refuses them anyway). */
export function RequireRole({ roles, children }: { roles: readonly Role[]; children: ReactNode }) {
  const { t } = useTranslation();
  const session = useSession();
  const held = rolesOf(session.data);
  if (roles.some((r) => held.has(r))) return <>{children}</>;
  return (
    <Result
      status="403"
      title={<h1 className="gl-result-title">{t('forbidden.title')}</h1>}
      subTitle={t('forbidden.description', { roles: roles.map((r) => t(`roles.${r}`)).join(t('form.listSeparator')) })}
    />
  );
}
