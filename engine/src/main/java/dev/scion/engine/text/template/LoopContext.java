package dev.scion.engine.text.template;

import java.util.List;

/** The {@code loop} variable inside a for loop: position, neighbours and {@code loop.cycle(...)}. */
final class LoopContext {
  private final List<Object> items;
  private int index0;

  LoopContext(List<Object> items) {
    this.items = items;
  }

  void moveTo(int index0) {
    this.index0 = index0;
  }

  /** The attribute {@code name}, or an {@link Undefined} naming it. */
  Object attribute(String name) {
    int length = items.size();
    switch (name) {
      case "index": return (long) index0 + 1;
      case "index0": return (long) index0;
      case "revindex": return (long) (length - index0);
      case "revindex0": return (long) (length - index0 - 1);
      case "first": return index0 == 0;
      case "last": return index0 == length - 1;
      case "length": return (long) length;
      case "depth": return 1L;
      case "depth0": return 0L;
      case "previtem":
        return index0 > 0 ? items.get(index0 - 1) : new Undefined("there is no previous item");
      case "nextitem":
        return index0 + 1 < length ? items.get(index0 + 1) : new Undefined("there is no next item");
      case "cycle":
        return (PyCallable) (args, kwargs, at) -> {
          if (args.isEmpty()) {
            throw at.error("no items for cycling given");
          }
          return args.get(index0 % args.size());
        };
      default:
        return Undefined.attribute(this, name);
    }
  }
}
