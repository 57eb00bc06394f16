import {
  AlertOutlined,
  ApartmentOutlined,
  BankOutlined,
  CalendarOutlined,
  DatabaseOutlined,
  FileTextOutlined,
  FormOutlined,
  InboxOutlined,
  NodeIndexOutlined,
  PhoneOutlined,
  TagsOutlined,
  TeamOutlined,
  UploadOutlined,
} from '@ant-design/icons';
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

/** Everyone in the closed loop; administrators configure it and hold no queue. */
const CASE_STAFF: readonly Role[] = ALL_STAFF.filter((r) => r !== 'admin');

/** As the server's policy `registry.read` and `registry.import` (src/server/policy.ts). */
export const REGISTRY_READ: readonly Role[] = ['admin', 'leader', 'shift_lead', 'dispatcher', 'intake_clerk', 'grid_worker'];
export const REGISTRY_IMPORT: readonly Role[] = ['admin', 'leader', 'shift_lead', 'grid_worker'];
/** Who opens the command center (issue 5): those who watch a territory, not those who work single cases. */
export const COMMAND_VIEW: readonly Role[] = ['admin', 'leader', 'shift_lead', 'dispatcher'];

export const NAV_ITEMS: readonly NavItem[] = [
  { key: 'inbox', path: '/inbox', labelKey: 'nav.inbox', icon: <InboxOutlined />, roles: CASE_STAFF, available: true },
  { key: 'cases', path: '/cases', labelKey: 'nav.cases', icon: <FileTextOutlined />, roles: ALL_STAFF, available: true },
  { key: 'deskIntake', path: '/desk/new', labelKey: 'nav.deskIntake', icon: <PhoneOutlined />, roles: ['intake_clerk'], available: true },
  { key: 'patrolReport', path: '/patrol/new', labelKey: 'nav.patrolReport', icon: <FormOutlined />, roles: ['grid_worker'], available: true },
  { key: 'territory', path: '/territory', labelKey: 'nav.territory', icon: <ApartmentOutlined />, roles: ALL_STAFF, available: true },
  {
    key: 'commandCenter',
    path: '/command',
    labelKey: 'nav.commandCenter',
    icon: <AlertOutlined />,
    roles: COMMAND_VIEW,
    available: true,
  },
  {
    key: 'basicData',
    path: '/basic-data',
    labelKey: 'nav.basicData',
    icon: <DatabaseOutlined />,
    roles: ['admin', 'leader', 'intake_clerk', 'grid_worker'],
    available: false,
  },
  {
    key: 'registryPersons',
    path: '/registry/persons',
    labelKey: 'nav.registryPersons',
    icon: <TeamOutlined />,
    roles: REGISTRY_READ,
    available: true,
  },
  {
    key: 'registryOrganisations',
    path: '/registry/organisations',
    labelKey: 'nav.registryOrganisations',
    icon: <BankOutlined />,
    roles: REGISTRY_READ,
    available: true,
  },
  {
    key: 'registryImport',
    path: '/registry/import',
    labelKey: 'nav.registryImport',
    icon: <UploadOutlined />,
    roles: REGISTRY_IMPORT,
    available: true,
  },
  { key: 'adminCategories', path: '/admin/categories', labelKey: 'nav.adminCategories', icon: <TagsOutlined />, roles: ['admin'], available: true },
  {
    key: 'adminRoutingRules',
    path: '/admin/routing-rules',
    labelKey: 'nav.adminRoutingRules',
    icon: <NodeIndexOutlined />,
    roles: ['admin'],
    available: true,
  },
  { key: 'adminCalendar', path: '/admin/calendar', labelKey: 'nav.adminCalendar', icon: <CalendarOutlined />, roles: ['admin'], available: true },
];

export function visibleNavItems(roles: ReadonlySet<Role>): NavItem[] {
  return NAV_ITEMS.filter((item) => item.available && item.roles.some((r) => roles.has(r)));
}

/** Where a user lands after signing in: their inbox, or the territory for those who hold no queue (admins). */
export function landingPath(roles: ReadonlySet<Role>): string {
  return [...roles].some((r) => CASE_STAFF.includes(r)) ? '/inbox' : '/territory';
}
