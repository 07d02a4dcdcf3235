import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ROLES, can, canGrant, outranks, permissionMatrixMarkdown } from './permissions.js';

describe('roles and permissions', () => {
  it('fits how SMM teams work', () => {
    expect(can('editor', 'posts.write')).toBe(true);
    expect(can('editor', 'posts.publish')).toBe(false);
    expect(can('community_manager', 'inbox.reply')).toBe(true);
    expect(can('community_manager', 'posts.write')).toBe(false);
    expect(can('media_buyer', 'campaigns.manage')).toBe(true);
    expect(can('analyst', 'analytics.read')).toBe(true);
    expect(can('analyst', 'members.manage')).toBe(false);
    expect(can('client', 'approvals.decide')).toBe(true);
    expect(can('client', 'members.read')).toBe(false);
    expect(can('manager', 'audit.read')).toBe(false);
    expect(can('admin', 'audit.read')).toBe(true);
  });

  it('never lets anyone grant owner, nor a role above their own', () => {
    for (const r of ROLES) expect(canGrant(r, 'owner')).toBe(false);
    expect(canGrant('manager', 'admin')).toBe(false);
    expect(canGrant('manager', 'editor')).toBe(true);
    expect(canGrant('admin', 'admin')).toBe(true);
    expect(outranks('editor', 'manager')).toBe(false);
  });

  it('docs/PERMISSIONS.md holds the current matrix', () => {
    const doc = readFileSync(new URL('../../../docs/PERMISSIONS.md', import.meta.url), 'utf8');
    expect(doc).toContain(permissionMatrixMarkdown());
  });
});
