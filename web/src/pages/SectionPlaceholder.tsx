import { PageHeading } from '../components/PageHeading.js';
import { useDocumentTitle } from '../hooks.js';
import type { Section } from '../permissions.js';

/** Sections that exist in the navigation but are not part of this version yet. */
export function SectionPlaceholder({ section }: { section: Section }) {
  useDocumentTitle(section.label);
  return (
    <div className="stack">
      <PageHeading>{section.label}</PageHeading>
      <p className="placeholder">{section.label} is not available yet in this version of Chorus.</p>
    </div>
  );
}

export function SectionForbidden({ section }: { section: Section }) {
  useDocumentTitle(section.label);
  return (
    <div className="stack">
      <PageHeading>{section.label}</PageHeading>
      <div role="alert" className="alert">
        Your role in this workspace does not give access to {section.label}.
      </div>
    </div>
  );
}
