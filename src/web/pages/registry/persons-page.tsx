import { Alert, Button, Descriptions, Drawer, Input, Modal, Spin, Table, type TableColumnsType } from 'antd';
import { useEffect, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { errorText } from '../../lib/error-text.ts';
import { useIsPhone } from '../../lib/use-media-query.ts';
import { rolesOf, useSession } from '../../session.ts';
import type { Role } from '../../types.ts';
import { type Person, type PersonRecord, usePerson, usePersonSearch, useRevealPerson } from './registry-data.ts';

/** Roles the server lets reveal (policy `registry.reveal`). */
export const REVEAL_ROLES: readonly Role[] = ['admin', 'leader', 'shift_lead'];

export function PersonsPage() {
  const { t } = useTranslation();
  const isPhone = useIsPhone();
  const [params, setParams] = useSearchParams();
  const q = params.get('q') ?? '';
  const [text, setText] = useState(q);
  const [openId, setOpenId] = useState<string | null>(null);
  const search = usePersonSearch(q);
  const ids = useId();

  useEffect(() => {
    document.title = `${t('registry.persons.title')} · ${t('app.name')}`;
  }, [t]);

  const dash = (v: string | null) => v ?? '—';
  const columns: TableColumnsType<Person> = [
    {
      key: 'name',
      title: t('registry.person.name'),
      render: (_, p) => (
        <Button type="link" className="gl-link-button" onClick={() => setOpenId(p.id)} data-testid="person-open">
          {p.name}
        </Button>
      ),
    },
    { key: 'idNumber', title: t('registry.person.idNumber'), render: (_, p) => <span className="gl-mono">{dash(p.idNumber)}</span> },
    ...(isPhone
      ? []
      : [
          { key: 'phone', title: t('registry.person.phone'), render: (_: unknown, p: Person) => <span className="gl-mono">{dash(p.phone)}</span> },
          { key: 'gender', title: t('registry.person.gender'), render: (_: unknown, p: Person) => genderText(t, p.gender) },
          {
            key: 'residenceType',
            title: t('registry.person.residenceType'),
            render: (_: unknown, p: Person) => residenceText(t, p.residenceType),
          },
          { key: 'address', title: t('registry.person.address'), render: (_: unknown, p: Person) => dash(p.address) },
        ]),
  ];

  const items = search.data ?? [];
  return (
    <div className="gl-page gl-registry-page" data-testid="registry-persons-page">
      <h1 className="gl-page-title">{t('registry.persons.title')}</h1>
      <search className="gl-panel gl-person-search">
      <form
        aria-label={t('registry.persons.searchLabel')}
        onSubmit={(e) => {
          e.preventDefault();
          setParams(text.trim() ? { q: text.trim() } : {}, { replace: true });
        }}
      >
        <label htmlFor={`${ids}-q`} className="gl-field-label">
          {t('registry.persons.searchLabel')}
        </label>
        <div className="gl-search-row">
          <Input
            id={`${ids}-q`}
            value={text}
            maxLength={100}
            onChange={(e) => setText(e.target.value)}
            aria-describedby={`${ids}-help`}
            data-testid="person-search-input"
            allowClear
          />
          <Button type="primary" htmlType="submit" data-testid="person-search-submit">
            {t('registry.persons.search')}
          </Button>
        </div>
        <p id={`${ids}-help`} className="gl-field-hint">
          {t('registry.persons.searchHelp')}
        </p>
      </form>
      </search>
      {search.isError ? <Alert type="error" showIcon title={errorText(t, search.error)} className="gl-form-alert" /> : null}
      <p className="gl-list-summary" role="status" data-testid="person-results-summary">
        {q ? (search.isFetching ? t('registry.persons.searching') : search.data ? t('registry.persons.results', { count: items.length }) : '') : ''}
      </p>
      {q ? (
        <Table<Person>
          rowKey="id"
          size="small"
          columns={columns}
          dataSource={items}
          loading={search.isFetching}
          pagination={false}
          scroll={{ x: 'max-content' }}
          data-testid="person-results"
          locale={{ emptyText: <span className="gl-empty-text">{t('registry.persons.noResults')}</span> }}
        />
      ) : null}
      <PersonDrawer id={openId} onClose={() => setOpenId(null)} isPhone={isPhone} />
    </div>
  );
}

type T = ReturnType<typeof useTranslation>['t'];

function genderText(t: T, gender: string | null): string {
  return gender ? t(`registry.gender.${gender}`, { defaultValue: gender }) : '—';
}

function residenceText(t: T, type: string | null): string {
  return type ? t(`registry.residenceType.${type}`, { defaultValue: type }) : '—';
}

function PersonDrawer({ id, onClose, isPhone }: { id: string | null; onClose: () => void; isPhone: boolean }) {
  const { t } = useTranslation();
  const session = useSession();
  const canReveal = REVEAL_ROLES.some((r) => rolesOf(session.data).has(r));
  const person = usePerson(id);
  const reveal = useRevealPerson();
  const [revealed, setRevealed] = useState<PersonRecord | null>(null);
  const [asking, setAsking] = useState(false);
  const [reason, setReason] = useState('');
  const ids = useId();

  // A new person starts masked again.
  // biome-ignore lint/correctness/useExhaustiveDependencies: reset when the drawer shows another person
  useEffect(() => {
    setRevealed(null);
    setReason('');
    reveal.reset();
  }, [id]);

  const shown = revealed ?? person.data;
  const dash = (v: string | null | undefined) => v ?? '—';

  return (
    <Drawer
      open={id !== null}
      onClose={onClose}
      title={shown?.name ?? t('registry.persons.detailTitle')}
      size={isPhone ? 'default' : 'large'}
      width={isPhone ? '100%' : 560}
      closable={{ 'aria-label': t('registry.persons.close') }}
      data-testid="person-drawer"
    >
      {person.isError ? <Alert type="error" showIcon title={errorText(t, person.error)} /> : null}
      {!shown ? (
        person.isLoading ? <Spin /> : null
      ) : (
        <>
          {revealed ? (
            <Alert type="warning" showIcon title={t('registry.persons.revealedNotice')} className="gl-form-alert" data-testid="reveal-notice" />
          ) : null}
          <Descriptions column={1} size="small" className="gl-descriptions">
            <Descriptions.Item label={t('registry.person.name')}>{shown.name}</Descriptions.Item>
            <Descriptions.Item label={t('registry.person.idNumber')}>
              <span className="gl-mono" data-testid="person-id-number">
                {dash(shown.idNumber)}
              </span>
            </Descriptions.Item>
            <Descriptions.Item label={t('registry.person.phone')}>
              <span className="gl-mono" data-testid="person-phone">
                {dash(shown.phone)}
              </span>
            </Descriptions.Item>
            <Descriptions.Item label={t('registry.person.gender')}>{genderText(t, shown.gender)}</Descriptions.Item>
            <Descriptions.Item label={t('registry.person.birthDate')}>{dash(shown.birthDate)}</Descriptions.Item>
            <Descriptions.Item label={t('registry.person.residenceType')}>{residenceText(t, shown.residenceType)}</Descriptions.Item>
            <Descriptions.Item label={t('registry.person.household')}>{dash(shown.householdNumber)}</Descriptions.Item>
            <Descriptions.Item label={t('registry.person.address')}>{dash(shown.address)}</Descriptions.Item>
            <Descriptions.Item label={t('registry.person.careTags')}>
              {shown.careTags.length > 0 ? shown.careTags.map((c) => t(`registry.careTag.${c}`, { defaultValue: c })).join(t('form.listSeparator')) : '—'}
            </Descriptions.Item>
          </Descriptions>
          {canReveal && shown.masked && !revealed ? (
            <div className="gl-form-actions">
              <Button onClick={() => setAsking(true)} data-testid="person-reveal">
                {t('registry.persons.reveal')}
              </Button>
            </div>
          ) : null}
          <h3 className="gl-panel-title gl-residence-title">{t('registry.persons.residences')}</h3>
          {shown.residences.length === 0 ? (
            <p className="gl-muted">{t('registry.persons.noResidences')}</p>
          ) : (
            <ul className="gl-residences" data-testid="person-residences">
              {shown.residences.map((r, i) => (
                <li key={`${r.householdId ?? ''}-${r.movedIn ?? i}`}>
                  <strong>{residenceText(t, r.residenceType)}</strong>
                  {r.relation ? ` · ${t(`registry.relation.${r.relation}`, { defaultValue: r.relation })}` : ''}
                  <br />
                  {t('registry.persons.period', { from: r.movedIn ?? '—', to: r.movedOut ?? t('registry.persons.now') })}
                </li>
              ))}
            </ul>
          )}
        </>
      )}
      <Modal
        open={asking}
        title={t('registry.persons.revealTitle')}
        okText={t('registry.persons.revealConfirm')}
        cancelText={t('registry.persons.revealCancel')}
        okButtonProps={{ disabled: reason.trim().length < 2, loading: reveal.isPending, id: `${ids}-confirm` }}
        onCancel={() => setAsking(false)}
        onOk={() => {
          if (!id) return;
          reveal.mutate(
            { id, reason: reason.trim() },
            {
              onSuccess: (r) => {
                setRevealed(r);
                setAsking(false);
              },
            },
          );
        }}
        destroyOnHidden
      >
        <label htmlFor={`${ids}-reason`} className="gl-field-label">
          {t('registry.persons.reason')}
        </label>
        <Input.TextArea
          id={`${ids}-reason`}
          value={reason}
          maxLength={500}
          rows={3}
          onChange={(e) => setReason(e.target.value)}
          aria-describedby={`${ids}-reason-help`}
          data-testid="reveal-reason"
        />
        <p id={`${ids}-reason-help`} className="gl-field-hint">
          {t('registry.persons.reasonHelp')}
        </p>
        {reveal.isError ? <Alert type="error" showIcon title={errorText(t, reveal.error)} role="alert" /> : null}
      </Modal>
    </Drawer>
  );
}
