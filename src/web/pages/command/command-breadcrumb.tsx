import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { useLanguage } from '../../lib/use-language.ts';
import type { NodeRef } from './command-types.ts';
import { nodeName } from './dashboard-model.ts';

interface CommandBreadcrumbProps {
  ancestors: readonly NodeRef[];
  node: NodeRef;
  /** The address of the dashboard at a node. */
  hrefFor: (id: string) => string;
}

/** Root → parent as links, then the current node; each link goes up to that level. */
export function CommandBreadcrumb({ ancestors, node, hrefFor }: CommandBreadcrumbProps) {
  const { t } = useTranslation();
  const lang = useLanguage();
  return (
    <nav className="gl-command-breadcrumb" aria-label={t('command.breadcrumb')} data-testid="command-breadcrumb">
      <ol>
        {ancestors.map((a) => (
          <li key={a.id}>
            <Link to={hrefFor(a.id)} data-testid="breadcrumb-link" data-id={a.id} data-level={a.level}>
              {nodeName(a, lang)}
            </Link>
            <span className="gl-command-breadcrumb-sep" aria-hidden="true">
              /
            </span>
          </li>
        ))}
        <li>
          <span aria-current="page" data-testid="breadcrumb-current" data-id={node.id} data-level={node.level}>
            {nodeName(node, lang)}
          </span>
        </li>
      </ol>
    </nav>
  );
}
