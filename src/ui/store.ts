// A tiny external store for React's useSyncExternalStore: one immutable snapshot, replaced by
// shallow patches, listeners told after each.
export class Store<S extends object> {
  private readonly listeners = new Set<() => void>();

  constructor(protected state: S) {}

  subscribe = (fn: () => void) => {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  };

  getSnapshot = (): S => this.state;

  protected set(patch: Partial<S>): void {
    this.state = { ...this.state, ...patch };
    for (const fn of this.listeners) fn();
  }
}
