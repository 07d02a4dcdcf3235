import { PageHeading } from '../components/PageHeading.js';
import { useDocumentTitle } from '../hooks.js';
import { Link } from '../router.js';

export function WorkspaceMissing() {
  useDocumentTitle('Workspace not found');
  return (
    <div className="stack">
      <PageHeading>Workspace not found</PageHeading>
      <div role="alert" className="alert">
        This workspace does not exist, or you do not have access to it.
      </div>
      <p>
        <Link to="/">Go to your first workspace</Link>
      </p>
    </div>
  );
}
