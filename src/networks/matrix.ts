import { NETWORK_IDS, networkDefinition } from './registry.js';

const VERIFIED: Record<string, string> = {
  local_peer: 'real local server',
  local_receiver: 'local receiver following the published API',
  fixtures: 'recorded fixtures from the published API',
};

/** The capability matrix in docs/networks.md, generated from the registry. */
export function networkMatrixMarkdown(): string {
  const rows = NETWORK_IDS.map((id) => {
    const d = networkDefinition(id);
    const l = d.limits;
    const media = l.media.maxItems === 0 ? 'none' : `${l.media.maxItems} × ${l.media.types.join(', ')}`;
    const connect = `${d.oauth ? 'sign-in (OAuth 2 + PKCE) or ' : ''}${d.metadata.auth.kind.replace('_', ' ')}`;
    return `| ${d.metadata.name} (\`${id}\`) | ${connect} | ${l.text.max} ${l.text.unit} | ${media} | ${l.threads ? 'yes' : 'no'} | ${d.capabilities.join(', ')} | ${VERIFIED[d.metadata.verification]} | [API](${d.metadata.docsUrl}) |`;
  });
  return [
    '| network | connect with | text limit | media | threads | can | verified against | docs |',
    '|---|---|---|---|---|---|---|---|',
    ...rows,
  ].join('\n');
}
