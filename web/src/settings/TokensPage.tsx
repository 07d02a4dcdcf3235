import { useEffect, useRef, useState } from 'react';
import { api } from '../api.js';
import { CopyableValue } from '../components/CopyableValue.js';
import { ErrorAlert } from '../components/ErrorAlert.js';
import { PageHeading } from '../components/PageHeading.js';
import { useAsync } from '../hooks.js';
import { useRoles } from '../roles.js';
import type { CreatedToken, Workspace } from '../types.js';
import { CreateTokenForm } from './CreateTokenForm.js';
import { TokenList } from './TokenList.js';

export function TokensPage({ workspace }: { workspace: Workspace }) {
  const roles = useRoles();
  const tokens = useAsync((signal) => api.tokens(signal).then((r) => r.tokens), []);
  const [created, setCreated] = useState<CreatedToken | null>(null);

  return (
    <div className="stack">
      <PageHeading level={2}>API tokens</PageHeading>
      <p className="lead">
        A personal access token lets a script or another tool call the Chorus API as you, limited to the
        workspaces and permissions you choose.
      </p>
      <section className="panel" aria-labelledby="create-token-heading">
        <h3 id="create-token-heading">Create a token</h3>
        <ErrorAlert error={roles.error} />
        <CreateTokenForm
          workspace={workspace}
          permissions={roles.data?.permissions}
          onCreated={(result) => {
            setCreated(result);
            tokens.reload();
          }}
        />
        {created ? <NewSecret created={created} /> : null}
      </section>
      <section aria-labelledby="token-list-heading" className="stack">
        <h3 id="token-list-heading">Existing tokens</h3>
        <TokenList resource={tokens} />
      </section>
    </div>
  );
}

function NewSecret({ created }: { created: CreatedToken }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    ref.current?.focus();
  }, [created]);

  return (
    <div ref={ref} tabIndex={-1} className="callout" aria-labelledby="new-secret-heading">
      <h4 id="new-secret-heading">Token “{created.token.name}” created</h4>
      <p>
        <strong>Copy it now: you will not see it again.</strong> If you lose it, revoke it and create a new
        one.
      </p>
      <CopyableValue label="New token secret" value={created.secret} />
    </div>
  );
}
