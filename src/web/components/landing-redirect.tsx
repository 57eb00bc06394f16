import { Navigate } from 'react-router';
import { rolesOf, useSession } from '../session.ts';
import { landingPath } from './nav-items.tsx';

export function LandingRedirect() {
  const session = useSession();
  return <Navigate to={landingPath(rolesOf(session.data))} replace />;
}
