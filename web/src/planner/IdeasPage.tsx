import { useEffect, useId, useRef, useState } from 'react';
import { TabList, tabPanelProps } from '../components/TabList.js';
import type { ReactNode } from 'react';
import { api } from '../api.js';
import { ErrorAlert } from '../components/ErrorAlert.js';
import { SelectField, TextField } from '../components/Fields.js';
import { PageHeading } from '../components/PageHeading.js';
import { StatusMessage } from '../components/StatusMessage.js';
import { formatInZone } from '../format.js';
import { useAction, useAsync, useDocumentTitle } from '../hooks.js';
import { can, workspacePath } from '../permissions.js';
import { useChannelDirectory } from '../posts/channels.js';
import { excerpt } from '../posts/labels.js';
import { Link } from '../router.js';
import type { PlannedPost, Workspace } from '../types.js';
import { CategoriesPanel } from './CategoriesPanel.js';
import { CategoryChip, useCategories } from './categories.js';
import type { CategoryDirectory } from './categories.js';
import { IdeaForm } from './IdeaForm.js';
import { TurnIntoPost } from './TurnIntoPost.js';

const PAGE_SIZE = 50;

type Tab = 'ideas' | 'drafts';
const TABS: { id: Tab; label: string }[] = [
  { id: 'ideas', label: 'Ideas' },
  { id: 'drafts', label: 'Drafts' },
];

/** How a backlog item is named: its title, else the start of its text. */
export function ideaName(post: PlannedPost): string {
  if (post.title) return post.title;
  return post.body.trim() ? excerpt(post.body, 80) : 'Untitled idea';
}

/** Waits until typing pauses before a value is used (a filter that asks the server). */
function useSettled<T>(value: T, ms = 300): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = window.setTimeout(() => setSettled(value), ms);
    return () => window.clearTimeout(timer);
  }, [value, ms]);
  return settled;
}

interface ItemProps {
  post: PlannedPost;
  workspace: Workspace;
  categories: CategoryDirectory;
  channelName: (channelId: string) => string;
  canWrite: boolean;
  onTag: (tag: string) => void;
  onEdit: () => void;
  onTurn: () => void;
  onDelete: () => void;
  editing: boolean;
  turning: boolean;
  children?: ReactNode;
  idPrefix: string;
}

function BacklogItem({
  post,
  workspace,
  categories,
  channelName,
  canWrite,
  onTag,
  onEdit,
  onTurn,
  onDelete,
  editing,
  turning,
  children,
  idPrefix,
}: ItemProps) {
  const name = ideaName(post);
  const isIdea = post.kind === 'idea';
  return (
    <li className="row idea-row" aria-label={name}>
      <div className="row-main">
        <div className="row-title">
          {isIdea ? (
            <strong className="break">{name}</strong>
          ) : (
            <Link to={workspacePath(workspace, `posts/${encodeURIComponent(post.id)}`)} className="post-link">
              {name}
            </Link>
          )}
          <span className={isIdea ? 'badge' : 'badge badge-disconnected'}>{isIdea ? 'Idea' : 'Draft'}</span>
          <CategoryChip category={categories.find(post.categoryId)} prefix="Category: " />
        </div>
        {post.title && post.body.trim() ? <p className="idea-excerpt">{excerpt(post.body, 240)}</p> : null}
        {post.tags.length > 0 ? (
          <ul className="chips" aria-label="Tags">
            {post.tags.map((tag) => (
              <li key={tag}>
                <button
                  type="button"
                  className="tag-chip"
                  aria-label={`Show only #${tag}`}
                  onClick={() => onTag(tag)}
                >
                  #{tag}
                </button>
              </li>
            ))}
          </ul>
        ) : null}
        {post.notes ? (
          <p className="idea-notes">
            <span className="idea-notes-label">Notes:</span> {post.notes}
          </p>
        ) : null}
        {!isIdea && post.channels.length > 0 ? (
          <p className="hint">For {post.channels.map((c) => channelName(c.channelId)).join(', ')}</p>
        ) : null}
      </div>
      {canWrite ? (
        <div className="actions">
          <button
            type="button"
            id={`${idPrefix}-edit`}
            className="button-secondary"
            aria-label={`Edit ${name}`}
            aria-expanded={editing}
            onClick={onEdit}
          >
            Edit
          </button>
          <button
            type="button"
            id={`${idPrefix}-turn`}
            aria-label={`${isIdea ? 'Turn into a post' : 'Schedule'}: ${name}`}
            aria-expanded={turning}
            onClick={onTurn}
          >
            {isIdea ? 'Turn into a post' : 'Schedule'}
          </button>
          <button type="button" className="button-danger" aria-label={`Delete ${name}`} onClick={onDelete}>
            Delete
          </button>
        </div>
      ) : null}
      {children ? <div className="row-wide">{children}</div> : null}
    </li>
  );
}

/** The backlog: ideas and drafts with their tags, categories and notes, and the categories themselves. */
export function IdeasPage({ workspace }: { workspace: Workspace }) {
  useDocumentTitle('Ideas', workspace.name);
  const id = useId();
  const canWrite = can(workspace, 'posts.write');
  const categories = useCategories(workspace);
  const directory = useChannelDirectory(workspace);
  const [tab, setTab] = useState<Tab>('ideas');
  const [tagInput, setTagInput] = useState('');
  const tag = useSettled(tagInput.trim().replace(/^#+/, ''));
  const [categoryId, setCategoryId] = useState('');
  const query = {
    kind: tab === 'ideas' ? ('idea' as const) : ('post' as const),
    drafts: tab === 'drafts',
    tag: tag || null,
    categoryId: categoryId || null,
  };
  const first = useAsync(
    (signal) => api.backlog(workspace.id, { ...query, limit: PAGE_SIZE }, signal).then((r) => r.posts),
    [workspace.id, tab, tag, categoryId],
  );
  const [older, setOlder] = useState<PlannedPost[]>([]);
  const [exhausted, setExhausted] = useState(false);
  const [removed, setRemoved] = useState<string[]>([]);
  const [editing, setEditing] = useState<string | null>(null);
  const [turning, setTurning] = useState<string | null>(null);
  const [status, setStatus] = useState<ReactNode>('');
  const more = useAction();
  const remove = useAction();
  const tabRefs = useRef<Record<Tab, HTMLButtonElement | null>>({ ideas: null, drafts: null });
  const [focusStatus, setFocusStatus] = useState(false);

  useEffect(() => {
    setOlder([]);
    setExhausted(false);
    setEditing(null);
    setTurning(null);
  }, [workspace.id, tab, tag, categoryId]);

  useEffect(() => {
    if (focusStatus) {
      document.getElementById(`${id}-scheduled`)?.focus();
      setFocusStatus(false);
    }
  }, [focusStatus, id]);

  const [edits, setEdits] = useState<Record<string, PlannedPost>>({});
  const seen = new Set<string>();
  const posts = [...(first.data ?? []), ...older]
    .filter((post) => {
      if (seen.has(post.id) || removed.includes(post.id)) return false;
      seen.add(post.id);
      return true;
    })
    .map((post) => edits[post.id] ?? post);
  const hasMore = !exhausted && (first.data?.length ?? 0) === PAGE_SIZE;
  const filtered = Boolean(tag || categoryId);
  const itemId = (post: PlannedPost) => `${id}-${post.id}`;

  function loadMore(): void {
    const last = posts[posts.length - 1];
    if (!last) return;
    void more.run(async () => {
      const page = await api.backlog(workspace.id, { ...query, limit: PAGE_SIZE, before: last.createdAt });
      setOlder((list) => [...list, ...page.posts]);
      if (page.posts.length < PAGE_SIZE) setExhausted(true);
    });
  }

  function deletePost(post: PlannedPost): void {
    const name = ideaName(post);
    const what = post.kind === 'idea' ? 'idea' : 'draft';
    if (!window.confirm(`Delete the ${what} “${name}”? This cannot be undone.`)) return;
    void remove.run(async () => {
      await api.deletePost(workspace.id, post.id);
      setRemoved((list) => [...list, post.id]);
      setStatus(`The ${what} “${name}” was deleted.`);
      tabRefs.current[tab]?.focus();
    });
  }

  function scheduled(post: PlannedPost): void {
    setRemoved((list) => [...list, post.id]);
    setTurning(null);
    const times = post.deliveries
      .filter((d) => d.state !== 'cancelled')
      .map((d) => `${directory.name(d.channelId)} at ${formatInZone(d.dueAt, workspace.timezone)}`);
    setStatus(
      <>
        “{ideaName(post)}” is scheduled{times.length > 0 ? `: ${times.join(', ')}` : ''}.{' '}
        <Link id={`${id}-scheduled`} to={workspacePath(workspace, `posts/${encodeURIComponent(post.id)}`)}>
          View the post
        </Link>
      </>,
    );
    setFocusStatus(true);
  }

  const tabLabel = tab === 'ideas' ? 'ideas' : 'drafts';

  return (
    <div className="stack">
      <PageHeading>Ideas</PageHeading>
      <p className="lead">
        The backlog of {workspace.name}: ideas to write up later and drafts without a time yet. Turn one into
        a post when it is ready.
      </p>
      <StatusMessage>{status}</StatusMessage>

      {canWrite ? (
        <details className="panel new-idea">
          <summary>New idea</summary>
          <IdeaForm
            categories={categories.categories.data}
            submitLabel="Save idea"
            busyLabel="Saving…"
            onSubmit={async (values) => {
              const { post } = await api.createIdea(workspace.id, {
                kind: 'idea',
                body: values.body,
                channels: [],
                title: values.title,
                notes: values.notes,
                tags: values.tags,
                categoryId: values.categoryId,
              });
              setStatus(`The idea “${ideaName(post)}” was saved.`);
              if (tab === 'ideas') first.setData((list) => [post, ...(list ?? [])]);
            }}
          />
        </details>
      ) : null}

      <TabList label="Backlog" idBase={id} tabs={TABS} selected={tab} onSelect={setTab} refs={tabRefs} />
      <div {...tabPanelProps(id, tab)} className="stack">
        <div className="toolbar">
          <div className="idea-filters">
            <TextField
              label="Tag"
              type="search"
              autoComplete="off"
              spellCheck={false}
              placeholder="Any tag"
              value={tagInput}
              onChange={(e) => setTagInput(e.target.value)}
            />
            <SelectField label="Category" value={categoryId} onChange={(e) => setCategoryId(e.target.value)}>
              <option value="">Any category</option>
              {(categories.categories.data ?? []).map((category) => (
                <option key={category.id} value={category.id}>
                  {category.name}
                </option>
              ))}
            </SelectField>
          </div>
          {tagInput || categoryId ? (
            <button
              type="button"
              className="button-secondary"
              onClick={() => {
                setTagInput('');
                setCategoryId('');
              }}
            >
              Clear filters
            </button>
          ) : null}
        </div>
        <ErrorAlert error={first.error} />
        <ErrorAlert error={remove.error} />
        {first.loading && !first.data ? <p className="muted">Loading {tabLabel}…</p> : null}
        {first.data && posts.length === 0 ? (
          <p className="muted">
            {filtered
              ? `No ${tabLabel} match these filters.`
              : tab === 'ideas'
                ? `No ideas yet.${canWrite ? ' Note one with “New idea”.' : ''}`
                : 'No drafts: every post has a time.'}
          </p>
        ) : null}
        {posts.length > 0 ? (
          <ul className="rows" aria-label={tab === 'ideas' ? 'Ideas' : 'Drafts'}>
            {posts.map((post) => (
              <BacklogItem
                key={post.id}
                post={post}
                workspace={workspace}
                categories={categories}
                channelName={directory.name}
                canWrite={canWrite}
                idPrefix={itemId(post)}
                editing={editing === post.id}
                turning={turning === post.id}
                onTag={(t) => setTagInput(t)}
                onEdit={() => {
                  setTurning(null);
                  setEditing((current) => (current === post.id ? null : post.id));
                }}
                onTurn={() => {
                  setEditing(null);
                  setTurning((current) => (current === post.id ? null : post.id));
                }}
                onDelete={() => deletePost(post)}
              >
                {editing === post.id ? (
                  <section className="panel" aria-label={`Edit ${ideaName(post)}`}>
                    <IdeaForm
                      initial={post}
                      autoFocus
                      categories={categories.categories.data}
                      submitLabel={post.kind === 'idea' ? 'Save idea' : 'Save draft'}
                      busyLabel="Saving…"
                      onCancel={() => {
                        setEditing(null);
                        document.getElementById(`${itemId(post)}-edit`)?.focus();
                      }}
                      onSubmit={async (values) => {
                        const { post: updated } = await api.planPost(workspace.id, post.id, values);
                        setEdits((map) => ({ ...map, [updated.id]: updated }));
                        setEditing(null);
                        setStatus(`“${ideaName(updated)}” was saved.`);
                        document.getElementById(`${itemId(post)}-edit`)?.focus();
                      }}
                    />
                  </section>
                ) : null}
                {turning === post.id ? (
                  <TurnIntoPost
                    workspace={workspace}
                    post={post}
                    name={ideaName(post)}
                    channels={directory.channels.data}
                    onDone={scheduled}
                    onCancel={() => {
                      setTurning(null);
                      document.getElementById(`${itemId(post)}-turn`)?.focus();
                    }}
                  />
                ) : null}
              </BacklogItem>
            ))}
          </ul>
        ) : null}
        <ErrorAlert error={more.error} />
        {hasMore ? (
          <div>
            <button
              type="button"
              className="button-secondary"
              onClick={loadMore}
              aria-disabled={more.busy || undefined}
            >
              Load more
            </button>
          </div>
        ) : null}
      </div>

      <CategoriesPanel workspace={workspace} directory={categories} />
    </div>
  );
}
