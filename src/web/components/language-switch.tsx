import { DownOutlined, GlobalOutlined } from '@ant-design/icons';
import { Button, Dropdown, type MenuProps } from 'antd';
import { useTranslation } from 'react-i18next';
import { changeLanguage, isLanguage, LANGUAGES, type Language } from '../i18n/i18n.ts';

const NATIVE_NAME_KEY: Record<Language, string> = {
  'zh-Hant': 'languages.zhHant',
  'zh-Hans': 'languages.zhHans',
  en: 'languages.en',
};

interface LanguageSwitchProps {
  /** `dark` for the header, `light` for pages without it (login). */
  tone: 'dark' | 'light';
  compact?: boolean;
}

export function LanguageSwitch({ tone, compact = false }: LanguageSwitchProps) {
  const { t, i18n } = useTranslation();
  const current: Language = isLanguage(i18n.language) ? i18n.language : 'en';
  const currentName = t(NATIVE_NAME_KEY[current]);

  const items: MenuProps['items'] = LANGUAGES.map((lang) => ({
    key: lang,
    label: (
      <span lang={lang} data-testid={`lang-${lang}`}>
        {t(NATIVE_NAME_KEY[lang])}
      </span>
    ),
  }));

  return (
    <Dropdown
      trigger={['click']}
      menu={{
        items,
        selectable: true,
        selectedKeys: [current],
        onClick: ({ key }) => {
          if (isLanguage(key)) void changeLanguage(key);
        },
      }}
    >
      <Button
        type="text"
        className={`gl-lang-switch gl-lang-switch-${tone}`}
        data-testid="language-switch"
        aria-label={`${t('languages.label')}: ${currentName}`}
        icon={<GlobalOutlined />}
      >
        {compact ? null : <span lang={current}>{currentName}</span>}
        <DownOutlined className="gl-caret" />
      </Button>
    </Dropdown>
  );
}
