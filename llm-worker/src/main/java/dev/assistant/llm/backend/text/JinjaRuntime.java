package dev.assistant.llm.backend.text;

import com.google.gson.Gson;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/** Value semantics of the Jinja subset: truthiness, operators, filters, tests and methods. */
final class JinjaRuntime {
  /** Jinja's undefined: renders empty, is falsy, and yields itself on attribute access. */
  static final Object UNDEFINED =
      new Object() {
        @Override
        public String toString() {
          return "";
        }
      };

  /** A callable value (macros are not supported; this carries built-in functions). */
  interface Function {
    Object call(List<Object> args, Map<String, Object> kwargs);
  }

  /** Variables: a chain of frames, innermost first. */
  static final class Scope {
    private final Map<String, Object> vars = new HashMap<>();
    private final Scope parent;

    Scope(Scope parent) {
      this.parent = parent;
    }

    Object lookup(String name) {
      for (Scope s = this; s != null; s = s.parent) {
        if (s.vars.containsKey(name)) {
          return s.vars.get(name);
        }
      }
      return UNDEFINED;
    }

    void set(String name, Object value) {
      vars.put(name, value);
    }

    /** Jinja's {@code set} inside a loop does not leak out, but a namespace attribute does. */
    Scope child() {
      return new Scope(this);
    }
  }

  /** Mutable object created by {@code namespace(...)}. */
  static final class Namespace extends HashMap<String, Object> {
    private static final long serialVersionUID = 1L;
  }

  private JinjaRuntime() {}

  static boolean truthy(Object v) {
    if (v == null || v == UNDEFINED) {
      return false;
    }
    if (v instanceof Boolean b) {
      return b;
    }
    if (v instanceof String s) {
      return !s.isEmpty();
    }
    if (v instanceof Number n) {
      return n.doubleValue() != 0;
    }
    if (v instanceof Collection<?> c) {
      return !c.isEmpty();
    }
    if (v instanceof Map<?, ?> m) {
      return !m.isEmpty();
    }
    return true;
  }

  static String str(Object v) {
    if (v == null) {
      return "None";
    }
    if (v instanceof Boolean b) {
      return b ? "True" : "False";
    }
    if (v instanceof Double d && d == Math.rint(d) && !Double.isInfinite(d)) {
      return String.valueOf(d);
    }
    return v.toString();
  }

  static Object compare(String op, Object a, Object b) {
    if (op.equals("==")) {
      return valueEquals(a, b);
    }
    if (op.equals("!=")) {
      return !valueEquals(a, b);
    }
    int c;
    if (a instanceof Number x && b instanceof Number y) {
      c = Double.compare(x.doubleValue(), y.doubleValue());
    } else if (a instanceof String x && b instanceof String y) {
      c = x.compareTo(y);
    } else {
      throw new TemplateException("cannot compare " + str(a) + " " + op + " " + str(b));
    }
    return switch (op) {
      case "<" -> c < 0;
      case ">" -> c > 0;
      case "<=" -> c <= 0;
      default -> c >= 0;
    };
  }

  static boolean valueEquals(Object a, Object b) {
    if (a instanceof Number x && b instanceof Number y) {
      return x.doubleValue() == y.doubleValue();
    }
    if (a == UNDEFINED || b == UNDEFINED) {
      return a == b;
    }
    return Objects.equals(a, b);
  }

  static boolean contains(Object container, Object item) {
    if (container instanceof String s) {
      return s.contains(str(item));
    }
    if (container instanceof Map<?, ?> m) {
      return m.containsKey(str(item));
    }
    if (container instanceof Collection<?> c) {
      return c.stream().anyMatch(x -> valueEquals(x, item));
    }
    return false;
  }

  static Object arithmetic(String op, Object a, Object b) {
    if (op.equals("+") && (a instanceof String || b instanceof String)) {
      if (!(a instanceof String) || !(b instanceof String)) {
        throw new TemplateException("cannot add " + typeName(a) + " and " + typeName(b));
      }
      return (String) a + b;
    }
    if (op.equals("+") && a instanceof List<?> x && b instanceof List<?> y) {
      List<Object> out = new ArrayList<>(x);
      out.addAll(y);
      return out;
    }
    if (!(a instanceof Number x) || !(b instanceof Number y)) {
      throw new TemplateException(
          "unsupported operands for " + op + ": " + typeName(a) + ", " + typeName(b));
    }
    boolean integral = a instanceof Long && b instanceof Long;
    return switch (op) {
      case "+" ->
          integral ? (Object) (x.longValue() + y.longValue()) : x.doubleValue() + y.doubleValue();
      case "-" ->
          integral ? (Object) (x.longValue() - y.longValue()) : x.doubleValue() - y.doubleValue();
      case "*" ->
          integral ? (Object) (x.longValue() * y.longValue()) : x.doubleValue() * y.doubleValue();
      case "/" -> x.doubleValue() / y.doubleValue();
      case "//" ->
          integral
              ? (Object) Math.floorDiv(x.longValue(), y.longValue())
              : Math.floor(x.doubleValue() / y.doubleValue());
      default ->
          integral
              ? (Object) Math.floorMod(x.longValue(), y.longValue())
              : x.doubleValue() % y.doubleValue();
    };
  }

  private static String typeName(Object v) {
    return v == null ? "None" : v == UNDEFINED ? "undefined" : v.getClass().getSimpleName();
  }

  static Object attribute(Object target, String name) {
    if (target instanceof Map<?, ?> m) {
      return m.containsKey(name) ? m.get(name) : UNDEFINED;
    }
    return UNDEFINED;
  }

  static Object index(Object target, Object key) {
    if (target instanceof List<?> l && key instanceof Number n) {
      int i = n.intValue();
      if (i < 0) {
        i += l.size();
      }
      return i >= 0 && i < l.size() ? l.get(i) : UNDEFINED;
    }
    if (target instanceof String s && key instanceof Number n) {
      int i = n.intValue() < 0 ? n.intValue() + s.length() : n.intValue();
      return i >= 0 && i < s.length() ? String.valueOf(s.charAt(i)) : UNDEFINED;
    }
    if (target instanceof Map<?, ?> m) {
      String k = str(key);
      return m.containsKey(k) ? m.get(k) : UNDEFINED;
    }
    return UNDEFINED;
  }

  static Object slice(Object target, Object start, Object end) {
    int len = target instanceof String s ? s.length() : target instanceof List<?> l ? l.size() : -1;
    if (len < 0) {
      throw new TemplateException("cannot slice " + typeName(target));
    }
    int a = start == null ? 0 : clampIndex(((Number) start).intValue(), len);
    int b = end == null ? len : clampIndex(((Number) end).intValue(), len);
    if (b < a) {
      b = a;
    }
    return target instanceof String s
        ? s.substring(a, b)
        : new ArrayList<>(((List<?>) target).subList(a, b));
  }

  private static int clampIndex(int i, int len) {
    return Math.max(0, Math.min(len, i < 0 ? i + len : i));
  }

  static Object call(Object fn, List<Object> args, Map<String, Object> kwargs) {
    if (fn instanceof Function f) {
      return f.call(args, kwargs);
    }
    throw new TemplateException("'" + str(fn) + "' is not callable");
  }

  static Object callMethod(Object target, String name, List<Object> args) {
    if (target instanceof String s) {
      return switch (name) {
        case "upper" -> s.toUpperCase(Locale.ROOT);
        case "lower" -> s.toLowerCase(Locale.ROOT);
        case "strip" -> args.isEmpty() ? s.strip() : stripChars(s, str(args.get(0)));
        case "lstrip" -> s.stripLeading();
        case "rstrip" -> s.stripTrailing();
        case "startswith" -> s.startsWith(str(args.get(0)));
        case "endswith" -> s.endsWith(str(args.get(0)));
        case "replace" -> s.replace(str(args.get(0)), str(args.get(1)));
        case "split" ->
            List.of(
                args.isEmpty()
                    ? s.trim().split("\\s+")
                    : s.split(java.util.regex.Pattern.quote(str(args.get(0))), -1));
        case "title" ->
            s.isEmpty()
                ? s
                : Character.toUpperCase(s.charAt(0)) + s.substring(1).toLowerCase(Locale.ROOT);
        default -> throw new TemplateException("unsupported string method " + name);
      };
    }
    if (target instanceof Map<?, ?> m) {
      switch (name) {
        case "items" -> {
          List<Object> out = new ArrayList<>();
          m.forEach((k, v) -> out.add(List.of(k, v == null ? "" : v)));
          return out;
        }
        case "keys" -> {
          return new ArrayList<>(m.keySet());
        }
        case "values" -> {
          return new ArrayList<>(m.values());
        }
        case "get" -> {
          Object v = m.get(str(args.get(0)));
          return v != null ? v : args.size() > 1 ? args.get(1) : null;
        }
        default -> {}
      }
    }
    throw new TemplateException("unsupported method " + name + " on " + typeName(target));
  }

  private static String stripChars(String s, String chars) {
    int a = 0;
    int b = s.length();
    while (a < b && chars.indexOf(s.charAt(a)) >= 0) {
      a++;
    }
    while (b > a && chars.indexOf(s.charAt(b - 1)) >= 0) {
      b--;
    }
    return s.substring(a, b);
  }

  static boolean test(String name, Object v, List<Object> args) {
    return switch (name) {
      case "defined" -> v != UNDEFINED;
      case "undefined" -> v == UNDEFINED;
      case "none" -> v == null;
      case "string" -> v instanceof String;
      case "number" -> v instanceof Number;
      case "boolean" -> v instanceof Boolean;
      case "mapping" -> v instanceof Map;
      case "sequence", "iterable" -> v instanceof List || v instanceof String || v instanceof Map;
      case "true" -> Boolean.TRUE.equals(v);
      case "false" -> Boolean.FALSE.equals(v);
      case "equalto", "eq", "sameas" -> valueEquals(v, args.get(0));
      case "ne" -> !valueEquals(v, args.get(0));
      case "odd" -> ((Number) v).longValue() % 2 != 0;
      case "even" -> ((Number) v).longValue() % 2 == 0;
      default -> throw new TemplateException("unsupported test " + name);
    };
  }

  static Object filter(String name, Object v, List<Object> args, Map<String, Object> kwargs) {
    switch (name) {
      case "trim":
        return str(v).strip();
      case "upper":
        return str(v).toUpperCase(Locale.ROOT);
      case "lower":
        return str(v).toLowerCase(Locale.ROOT);
      case "length":
      case "count":
        if (v instanceof String s) {
          return (long) s.length();
        }
        if (v instanceof Collection<?> c) {
          return (long) c.size();
        }
        if (v instanceof Map<?, ?> m) {
          return (long) m.size();
        }
        return 0L;
      case "string":
        return str(v);
      case "int":
        return v instanceof Number n ? n.longValue() : Long.parseLong(str(v).trim());
      case "default":
      case "d":
        return v == UNDEFINED || (args.size() > 1 && truthy(args.get(1)) && !truthy(v))
            ? args.isEmpty() ? "" : args.get(0)
            : v;
      case "first":
        return v instanceof List<?> l && !l.isEmpty() ? l.get(0) : UNDEFINED;
      case "last":
        return v instanceof List<?> l && !l.isEmpty() ? l.get(l.size() - 1) : UNDEFINED;
      case "list":
        return v instanceof Collection<?> c ? new ArrayList<>(c) : List.of();
      case "reverse":
        {
          List<Object> out = new ArrayList<>(asList(v));
          java.util.Collections.reverse(out);
          return out;
        }
      case "join":
        {
          String sep = args.isEmpty() ? "" : str(args.get(0));
          List<String> parts = new ArrayList<>();
          asList(v).forEach(x -> parts.add(str(x)));
          return String.join(sep, parts);
        }
      case "tojson":
        return new Gson().toJson(v == UNDEFINED ? null : v);
      case "selectattr":
      case "rejectattr":
        {
          boolean keep = name.equals("selectattr");
          String attr = str(args.get(0));
          List<Object> out = new ArrayList<>();
          for (Object item : asList(v)) {
            Object a = attribute(item, attr);
            boolean pass =
                args.size() > 1
                    ? test(str(args.get(1)), a, args.subList(2, args.size()))
                    : truthy(a);
            if (pass == keep) {
              out.add(item);
            }
          }
          return out;
        }
      case "map":
        {
          Object attr = kwargs.get("attribute");
          List<Object> out = new ArrayList<>();
          for (Object item : asList(v)) {
            out.add(
                attr != null
                    ? attribute(item, str(attr))
                    : filter(str(args.get(0)), item, List.of(), Map.of()));
          }
          return out;
        }
      default:
        throw new TemplateException("unsupported filter " + name);
    }
  }

  static List<?> asList(Object v) {
    if (v instanceof List<?> l) {
      return l;
    }
    if (v instanceof Map<?, ?> m) {
      return new ArrayList<>(m.keySet());
    }
    if (v instanceof String s) {
      List<Object> out = new ArrayList<>();
      s.codePoints().forEach(cp -> out.add(new String(Character.toChars(cp))));
      return out;
    }
    if (v == null || v == UNDEFINED) {
      return List.of();
    }
    throw new TemplateException("cannot iterate over " + typeName(v));
  }
}
