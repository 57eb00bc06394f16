import { ConfigProvider, theme as antdTheme, type ThemeConfig } from 'antd';
import { useEffect } from 'react';
import { PageFallback } from '../../components/page-fallback.tsx';
import { useConfig } from '../../session.ts';
import { CommandDashboard } from './command-dashboard.tsx';
import './command.css';

// The wall is read from across a room: antd's dark algorithm, larger type, colours that keep AA contrast on navy.
const WALL_THEME: ThemeConfig = {
  inherit: false,
  algorithm: antdTheme.darkAlgorithm,
  token: {
    colorPrimary: '#4f8ef7',
    colorLink: '#8ab8ff',
    colorLinkHover: '#b3d0ff',
    colorInfo: '#4f8ef7',
    colorError: '#ff7875',
    colorBgBase: '#0b1526',
    colorBgContainer: '#111f36',
    colorTextTertiary: 'rgba(255, 255, 255, 0.7)',
    colorTextDescription: 'rgba(255, 255, 255, 0.7)',
    colorTextPlaceholder: 'rgba(255, 255, 255, 0.6)',
    fontSize: 16,
    borderRadius: 4,
    fontFamily: 'var(--gl-font-family)',
  },
};

/** `/command/wall`: the full-screen wall of a command center (1920×1080), dark, without the side navigation. */
export function CommandWallPage() {
  const config = useConfig();
  useEffect(() => {
    document.documentElement.classList.add('gl-wall-root');
    return () => document.documentElement.classList.remove('gl-wall-root');
  }, []);
  return (
    <ConfigProvider theme={WALL_THEME}>
      <main className="gl-command-wall-page" id="main-content">
        {config.data ? (
          <CommandDashboard mode="wall" timezone={config.data.timezone} basemapStyleUrl={config.data.basemapStyleUrl} />
        ) : (
          <PageFallback />
        )}
      </main>
    </ConfigProvider>
  );
}
