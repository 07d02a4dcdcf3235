import type { UploadItem } from './useUploads.js';

/** Each upload with a labelled progress bar, and why it failed when it did. */
export function UploadProgress({ items }: { items: UploadItem[] }) {
  if (items.length === 0) return null;
  return (
    <ul className="uploads" aria-label="Uploads">
      {items.map((item) => (
        <li key={item.key} className="upload">
          <span className="upload-name">{item.name}</span>
          {item.state === 'failed' ? (
            <span role="alert" className="upload-error">
              {item.error}
            </span>
          ) : (
            <>
              <progress
                max={1}
                value={item.progress}
                aria-label={`Uploading ${item.name}`}
                aria-valuetext={`${String(Math.round(item.progress * 100))} %`}
              />
              <span className="muted">
                {item.state === 'done' ? 'Uploaded' : `${String(Math.round(item.progress * 100))} %`}
              </span>
            </>
          )}
        </li>
      ))}
    </ul>
  );
}
