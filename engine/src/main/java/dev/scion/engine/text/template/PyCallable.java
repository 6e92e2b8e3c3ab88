package dev.scion.engine.text.template;

import java.util.List;
import java.util.Map;

/** Anything a template can call: global functions, macros, and the whitelisted methods bound to a value. */
interface PyCallable {
  Object call(List<Object> args, Map<String, Object> kwargs, Pos at);
}
