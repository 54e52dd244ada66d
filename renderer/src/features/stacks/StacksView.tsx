import { EmptyState } from '../../components/EmptyState';

/** Every compose project on every host (placeholder until stacks land). */
export function StacksView() {
  return (
    <section className="view" aria-labelledby="stacks-title">
      <header className="view-header">
        <h1 className="view-title" id="stacks-title">
          Stacks
        </h1>
      </header>
      <div className="view-body">
        <EmptyState testId="stacks-empty" title="Stacks are coming">
          Compose projects will be listed here.
        </EmptyState>
      </div>
    </section>
  );
}
