/**
 * Sets `key` as the map's newest entry and drops the oldest past `max`: the per-instance caches
 * use it so that a flood of new keys costs memory up to a bound, never more.
 */
export function setBounded<K, V>(
  map: Map<K, V>,
  key: K,
  value: V,
  max: number,
): void {
  map.delete(key);
  map.set(key, value);
  while (map.size > max) {
    map.delete(map.keys().next().value as K);
  }
}
