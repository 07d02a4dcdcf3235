/** The weekly slot grid of a channel's queue: a column per weekday, each slot with its category and problems. */

import { CategoryDot } from './categories.js';
import type { CategoryDirectory } from './categories.js';
import { byTime, WEEKDAYS } from './queue-slots.js';
import type { DraftSlot } from './queue-slots.js';

export function QueueSlotGrid({
  id,
  slots,
  issues,
  categories,
  canChange,
  onRemove,
}: {
  id: string;
  slots: DraftSlot[];
  issues: Map<number, string[]>;
  categories: CategoryDirectory;
  canChange: boolean;
  onRemove: (slot: DraftSlot) => void;
}) {
  const indexed = slots.map((slot, index) => ({ slot, index }));

  return (
    <div className="queue-grid">
      {WEEKDAYS.map((day, d) => {
        const daySlots = indexed
          .filter(({ slot }) => slot.weekday === d + 1)
          .sort((a, b) => byTime(a.slot, b.slot));
        return (
          <div key={day} className="queue-day">
            <h3 id={`${id}-day-${d}`} tabIndex={-1}>
              {day}
            </h3>
            {daySlots.length === 0 ? (
              <p className="muted queue-empty">No slots</p>
            ) : (
              <ul className="queue-slots" aria-label={`${day} slots`}>
                {daySlots.map(({ slot, index }) => {
                  const category = categories.find(slot.categoryId);
                  const problems = issues.get(index);
                  const problemId = `${id}-problem-${slot.key}`;
                  return (
                    <li
                      key={slot.key}
                      className={problems ? 'slot-chip slot-invalid' : 'slot-chip'}
                      style={category?.color ? { borderLeftColor: category.color } : undefined}
                      aria-label={`${day} ${slot.time}${category ? `, ${category.name}` : ''}`}
                      aria-describedby={problems ? problemId : undefined}
                    >
                      <span className="slot-head">
                        <span className="slot-time">{slot.time}</span>
                        {canChange ? (
                          <button
                            type="button"
                            className="slot-remove"
                            aria-label={`Remove ${day} ${slot.time}`}
                            onClick={() => onRemove(slot)}
                          >
                            ×
                          </button>
                        ) : null}
                      </span>
                      {category ? (
                        <span className="slot-category">
                          <CategoryDot color={category.color} /> {category.name}
                        </span>
                      ) : null}
                      {problems ? (
                        <span id={problemId} className="slot-problem" role="note">
                          {problems.join(' ')}
                        </span>
                      ) : null}
                    </li>
                  );
                })}
              </ul>
            )}
          </div>
        );
      })}
    </div>
  );
}
