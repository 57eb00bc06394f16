import { AlertOutlined, ApartmentOutlined, DatabaseOutlined, FileTextOutlined } from '@ant-design/icons';
import type { ReactNode } from 'react';
import type { Role } from '../types.ts';

export interface NavItem {
  key: string;
  path: string;
  labelKey: string;
  icon: ReactNode;
  /** Roles that will see the item; staff who hold none of them never see it. */
  roles: readonly Role[];
  /** False until the page exists: the item stays hidden from everyone. */
  available: boolean;
}

const ALL_STAFF: readonly Role[] = [
  'admin',
  'leader',
  'shift_lead',
  'dispatcher',
  'intake_clerk',
  'grid_worker',
  'department_staff',
];

export const NAV_ITEMS: readonly NavItem[] = [
  { key: 'territory', path: '/territory', labelKey: 'nav.territory', icon: <ApartmentOutlined />, roles: ALL_STAFF, available: true },
  { key: 'cases', path: '/cases', labelKey: 'nav.cases', icon: <FileTextOutlined />, roles: ALL_STAFF, available: false },
  {
    key: 'commandCenter',
    path: '/command',
    labelKey: 'nav.commandCenter',
    icon: <AlertOutlined />,
    roles: ['admin', 'leader', 'shift_lead', 'dispatcher'],
    available: false,
  },
  {
    key: 'basicData',
    path: '/basic-data',
    labelKey: 'nav.basicData',
    icon: <DatabaseOutlined />,
    roles: ['admin', 'leader', 'intake_clerk', 'grid_worker'],
    available: false,
  },
];

export function visibleNavItems(roles: ReadonlySet<Role>): NavItem[] {
  return NAV_ITEMS.filter((item) => item.available && item.roles.some((r) => roles.has(r)));
}
