import type { ThemeConfig } from 'antd';

// Colours are chosen for WCAG AA contrast: antd's default blue (#1677ff) is 4.1:1 on white,
// and its tertiary text (45% black) 3.4:1, both below the 4.5:1 that axe checks.
export const HEADER_BG = '#10213f';

export const theme: ThemeConfig = {
  token: {
    colorPrimary: '#1a56b8',
    colorLink: '#1a56b8',
    // Hover and active states darken instead of lightening, so that they keep the contrast too.
    colorPrimaryHover: '#1448a0',
    colorPrimaryActive: '#0f3d8a',
    colorLinkHover: '#0f3d8a',
    colorLinkActive: '#0f3d8a',
    colorInfo: '#1a56b8',
    // antd's red (#ff4d4f) is 3.3:1 on white: danger buttons and error text take a darker one.
    colorError: '#c0262d',
    colorErrorHover: '#a51d24',
    colorErrorActive: '#8c161c',
    colorTextTertiary: 'rgba(0, 0, 0, 0.62)',
    colorTextDescription: 'rgba(0, 0, 0, 0.62)',
    colorTextPlaceholder: 'rgba(0, 0, 0, 0.58)',
    borderRadius: 4,
    fontFamily: 'var(--gl-font-family)',
  },
  components: {
    Layout: { headerBg: HEADER_BG, headerHeight: 56, headerPadding: '0 16px', bodyBg: '#f3f5f8', siderBg: '#ffffff' },
    Tree: { titleHeight: 28 },
  },
};
