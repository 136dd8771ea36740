package org.beamsamza.state.beam;

import java.util.concurrent.ConcurrentHashMap;
import org.apache.beam.runners.core.StateNamespace;
import org.apache.beam.runners.core.StateNamespaces;

/**
 * {@link StateNamespace#stringKey()} with a bounded cache. A window namespace's string key encodes
 * the window with its coder and base64 on every call, and state, holds and timers ask for it
 * several times per element (usually for the same few windows). Cached by namespace equality, which
 * is the equality Beam itself uses to find state (runners-core's {@code StateTable}): equal
 * namespaces have the same window under the window coder's structural value, so the same string key
 * for the deterministic window coders Beam requires. Thread-safe; the cache is dropped whole when
 * it reaches {@value #MAX_ENTRIES} entries.
 */
final class NamespaceKeys {
  private static final int MAX_ENTRIES = 4096;
  private static final ConcurrentHashMap<StateNamespace, String> CACHE = new ConcurrentHashMap<>();

  private NamespaceKeys() {}

  static String stringKey(StateNamespace namespace) {
    if (namespace instanceof StateNamespaces.GlobalNamespace) {
      return namespace.stringKey();
    }
    if (!(namespace instanceof StateNamespaces.WindowNamespace
        || namespace instanceof StateNamespaces.WindowAndTriggerNamespace)) {
      return namespace.stringKey(); // unknown equality: no caching
    }
    String cached = CACHE.get(namespace);
    if (cached == null) {
      cached = namespace.stringKey();
      if (CACHE.size() >= MAX_ENTRIES) {
        CACHE.clear();
      }
      CACHE.put(namespace, cached);
    }
    return cached;
  }
}
