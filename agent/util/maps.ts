// Map helpers used by the analyses when grouping rows.

/** The value at `key`, created with `init` on first use. */
export function getOrInit<K, V>(map: Map<K, V>, key: K, init: () => V): V {
  let value = map.get(key);
  if (value === undefined) {
    value = init();
    map.set(key, value);
  }
  return value;
}

/** Appends `value` to the list at `key` (no closure per call: this runs in the hottest loops). */
export function pushTo<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
