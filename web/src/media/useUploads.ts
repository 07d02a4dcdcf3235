import { useCallback, useRef, useState } from 'react';
import { api, toApiError } from '../api.js';
import type { MediaAsset } from '../types.js';

export interface UploadItem {
  key: string;
  name: string;
  /** 0 to 1. */
  progress: number;
  state: 'uploading' | 'done' | 'failed';
  error: string | null;
}

/** Uploads files one after another, keeping each one's progress and outcome for display. */
export function useUploads(workspaceId: string, onUploaded: (asset: MediaAsset) => void) {
  const [items, setItems] = useState<UploadItem[]>([]);
  const counter = useRef(0);
  const update = (key: string, change: Partial<UploadItem>) =>
    setItems((list) => list.map((item) => (item.key === key ? { ...item, ...change } : item)));

  const upload = useCallback(
    async (files: readonly File[], options: { alt?: string; tags?: string[] } = {}) => {
      const queued = files.map((file) => {
        counter.current += 1;
        return { file, key: `upload-${String(counter.current)}` };
      });
      setItems((list) => [
        ...list.filter((item) => item.state === 'uploading'),
        ...queued.map(({ file, key }) => ({
          key,
          name: file.name,
          progress: 0,
          state: 'uploading' as const,
          error: null,
        })),
      ]);
      for (const { file, key } of queued) {
        try {
          const { asset } = await api.uploadMedia(workspaceId, file, {
            ...options,
            onProgress: (fraction) => update(key, { progress: fraction }),
          });
          update(key, { state: 'done', progress: 1 });
          onUploaded(asset);
        } catch (error) {
          update(key, { state: 'failed', error: toApiError(error).message });
        }
      }
    },
    [workspaceId, onUploaded],
  );

  return { items, upload, busy: items.some((item) => item.state === 'uploading') };
}
