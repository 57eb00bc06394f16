import type { ReactNode } from 'react';
import { Link } from 'react-router';

interface ButtonLinkProps {
  to: string;
  children: ReactNode;
  primary?: boolean;
  icon?: ReactNode;
  'data-testid'?: string;
}

/** A link that looks like a button: it navigates (middle-click, "open in new tab"), so it stays a link. */
export function ButtonLink({ to, children, primary = false, icon, ...rest }: ButtonLinkProps) {
  return (
    <Link to={to} className={primary ? 'gl-button-link gl-button-link-primary' : 'gl-button-link'} data-testid={rest['data-testid']}>
      {icon ? (
        <span className="gl-button-link-icon" aria-hidden="true">
          {icon}
        </span>
      ) : null}
      <span>{children}</span>
    </Link>
  );
}
