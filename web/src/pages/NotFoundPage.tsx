import { PageHeading } from '../components/PageHeading.js';
import { useDocumentTitle } from '../hooks.js';
import { Link } from '../router.js';

export function NotFoundView() {
  useDocumentTitle('Page not found');
  return (
    <div className="stack">
      <PageHeading>Page not found</PageHeading>
      <p>There is nothing at this address. It may have moved, or the link may be mistyped.</p>
      <p>
        <Link to="/">Go to the home page</Link>
      </p>
    </div>
  );
}
