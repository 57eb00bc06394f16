import { LockOutlined, UserOutlined } from '@ant-design/icons';
import { Alert, Button, Form, Input } from 'antd';
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate, useSearchParams } from 'react-router';
import { BrandMark } from '../../components/brand-mark.tsx';
import { LanguageSwitch } from '../../components/language-switch.tsx';
import { errorText } from '../../lib/error-text.ts';
import { type Credentials, useConfig, useLogin } from '../../session.ts';

/** Only same-origin paths are followed after sign-in: `next` must not send the user elsewhere. */
export function safeNext(next: string | null): string {
  if (!next?.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return '/';
  if (next.startsWith('/login')) return '/';
  return next;
}

export function LoginPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const config = useConfig();
  const login = useLogin();
  const [form] = Form.useForm<Credentials>();

  useEffect(() => {
    document.title = `${t('login.title')} · ${t('app.name')}`;
  }, [t]);

  const onFinish = (values: Credentials) => {
    login.mutate(
      { username: values.username.trim(), password: values.password },
      { onSuccess: () => navigate(safeNext(params.get('next')), { replace: true }) },
    );
  };

  return (
    <div className="gl-login">
      <header className="gl-login-header">
        <div className="gl-brand">
          <BrandMark />
          <span className="gl-brand-name">{t('app.name')}</span>
        </div>
        <LanguageSwitch tone="dark" />
      </header>
      <main className="gl-login-main" id="main-content">
        <section className="gl-login-card" aria-labelledby="login-title">
          <h1 id="login-title" className="gl-login-title">
            {t('login.title')}
          </h1>
          <p className="gl-login-subtitle">{t('login.subtitle')}</p>
          {login.isError ? (
            <Alert
              className="gl-login-error"
              type="error"
              showIcon
              title={t('login.failedTitle')}
              description={<span data-testid="login-error">{errorText(t, login.error)}</span>}
            />
          ) : null}
          <Form<Credentials>
            form={form}
            name="login"
            layout="vertical"
            requiredMark={false}
            onFinish={onFinish}
            disabled={login.isPending}
          >
            <Form.Item
              label={t('login.username')}
              name="username"
              rules={[{ required: true, whitespace: true, message: t('login.usernameRequired') }]}
            >
              <Input
                prefix={<UserOutlined aria-hidden="true" />}
                autoComplete="username"
                autoCapitalize="none"
                spellCheck={false}
                size="large"
              />
            </Form.Item>
            <Form.Item
              label={t('login.password')}
              name="password"
              rules={[{ required: true, message: t('login.passwordRequired') }]}
            >
              <Input.Password prefix={<LockOutlined aria-hidden="true" />} autoComplete="current-password" size="large" />
            </Form.Item>
            <Button type="primary" htmlType="submit" size="large" block loading={login.isPending} data-testid="login-submit">
              {t('login.submit')}
            </Button>
          </Form>
          {config.data?.demo ? (
            <p className="gl-login-demo" data-testid="demo-notice">
              {t('login.demoNotice')}
            </p>
          ) : null}
        </section>
      </main>
      <footer className="gl-login-footer">
        <span>{t('app.tagline')}</span>
        {config.data?.version ? <span>{t('app.version', { version: config.data.version })}</span> : null}
      </footer>
    </div>
  );
}
