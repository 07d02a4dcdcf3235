import { api } from '../api.js';
import { useAsync } from '../hooks.js';
import type { AsyncResource } from '../hooks.js';
import type { Category, Workspace } from '../types.js';

/** Colours offered first for a new category, in turn. */
export const CATEGORY_COLORS = ['#2f855a', '#1f6f78', '#b7791f', '#c53030', '#6b46c1', '#2b6cb0', '#d53f8c'];

export interface CategoryDirectory {
  categories: AsyncResource<Category[]>;
  find: (categoryId: string | null | undefined) => Category | undefined;
}

/** The workspace's content categories, to name and colour posts and queue slots. */
export function useCategories(workspace: Workspace): CategoryDirectory {
  const categories = useAsync(
    (signal) => api.categories(workspace.id, signal).then((r) => r.categories),
    [workspace.id],
  );
  const find = (categoryId: string | null | undefined): Category | undefined =>
    categoryId ? categories.data?.find((c) => c.id === categoryId) : undefined;
  return { categories, find };
}

/** A category's colour as a small dot beside its name (the name carries the meaning). */
export function CategoryDot({ color }: { color: string | null }) {
  return (
    <span
      aria-hidden="true"
      className={color ? 'category-dot' : 'category-dot category-dot-none'}
      style={color ? { backgroundColor: color } : undefined}
    />
  );
}

/** A category as a chip: its colour and its name. */
export function CategoryChip({ category, prefix }: { category: Category | undefined; prefix?: string }) {
  if (!category) return null;
  return (
    <span className="category-chip">
      <CategoryDot color={category.color} />
      {prefix ? <span className="visually-hidden">{prefix}</span> : null}
      <span className="chip-name">{category.name}</span>
    </span>
  );
}

/** Tags as people type them, separated by commas or spaces: `#launch, spring tips` → launch, spring, tips. */
export function parseTags(text: string): string[] {
  const seen = new Map<string, string>();
  for (const raw of text.split(/[,\s]+/)) {
    const tag = raw.replace(/^#+/, '').trim();
    if (tag && !seen.has(tag.toLowerCase())) seen.set(tag.toLowerCase(), tag);
  }
  return [...seen.values()];
}

export const formatTags = (tags: readonly string[]): string => tags.map((t) => `#${t}`).join(' ');
