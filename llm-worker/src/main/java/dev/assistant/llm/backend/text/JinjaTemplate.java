package dev.assistant.llm.backend.text;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A compiled template in the Jinja subset that Hugging Face chat templates use: output expressions,
 * {@code if/elif/else}, {@code for} (with {@code loop.*}, tuple targets, a filter condition and
 * {@code else}), {@code set} (including namespace attributes), comments, whitespace control, {@code
 * generation} blocks, and the globals {@code raise_exception}, {@code namespace} and {@code range}.
 * Anything else fails at compile time with a message.
 *
 * <p>Thread-safety: immutable; {@link #render} may be called concurrently.
 */
public final class JinjaTemplate {
  private interface Stmt {
    void run(JinjaRuntime.Scope scope, StringBuilder out);
  }

  private final List<Stmt> body;
  private List<JinjaLexer.Part> parts;
  private int pos;

  private JinjaTemplate(String source) {
    this.parts = JinjaLexer.split(source);
    this.body = block(List.of());
    this.parts = null;
  }

  public static JinjaTemplate compile(String source) {
    return new JinjaTemplate(source);
  }

  public String render(Map<String, Object> variables) {
    JinjaRuntime.Scope globals = new JinjaRuntime.Scope(null);
    globals.set(
        "raise_exception",
        (JinjaRuntime.Function)
            (args, kw) -> {
              throw new TemplateException(
                  args.isEmpty() ? "template error" : JinjaRuntime.str(args.get(0)));
            });
    globals.set(
        "namespace",
        (JinjaRuntime.Function)
            (args, kw) -> {
              JinjaRuntime.Namespace ns = new JinjaRuntime.Namespace();
              ns.putAll(kw);
              return ns;
            });
    globals.set(
        "range",
        (JinjaRuntime.Function)
            (args, kw) -> {
              long start = args.size() > 1 ? ((Number) args.get(0)).longValue() : 0;
              long end = ((Number) args.get(args.size() > 1 ? 1 : 0)).longValue();
              List<Object> out = new ArrayList<>();
              for (long i = start; i < end; i++) {
                out.add(i);
              }
              return out;
            });
    JinjaRuntime.Scope scope = new JinjaRuntime.Scope(globals);
    variables.forEach(scope::set);
    StringBuilder out = new StringBuilder();
    for (Stmt s : body) {
      s.run(scope, out);
    }
    return out.toString();
  }

  /** Parses statements until one of the terminators (left unconsumed) or the end. */
  private List<Stmt> block(List<String> terminators) {
    List<Stmt> stmts = new ArrayList<>();
    while (pos < parts.size()) {
      JinjaLexer.Part p = parts.get(pos);
      switch (p.kind()) {
        case TEXT -> {
          String text = p.content();
          stmts.add((scope, out) -> out.append(text));
          pos++;
        }
        case OUTPUT -> {
          JinjaExpr.Node e = JinjaExpr.parse(p.content());
          stmts.add(
              (scope, out) -> {
                Object v = e.eval(scope);
                if (v != JinjaRuntime.UNDEFINED) {
                  out.append(JinjaRuntime.str(v));
                }
              });
          pos++;
        }
        case STATEMENT -> {
          String keyword = firstWord(p.content());
          if (terminators.contains(keyword)) {
            return stmts;
          }
          pos++;
          stmts.add(statement(keyword, p.content()));
        }
      }
    }
    if (!terminators.isEmpty()) {
      throw new TemplateException("missing {% " + terminators.get(terminators.size() - 1) + " %}");
    }
    return stmts;
  }

  private static String firstWord(String s) {
    int i = 0;
    while (i < s.length() && (Character.isLetterOrDigit(s.charAt(i)) || s.charAt(i) == '_')) {
      i++;
    }
    return s.substring(0, i);
  }

  private String currentKeyword() {
    return firstWord(parts.get(pos).content());
  }

  private Stmt statement(String keyword, String content) {
    String rest = content.substring(keyword.length()).trim();
    return switch (keyword) {
      case "if" -> ifStatement(rest);
      case "for" -> forStatement(rest);
      case "set" -> setStatement(rest);
      case "generation" -> {
        List<Stmt> inner = block(List.of("endgeneration"));
        pos++;
        yield (scope, out) -> inner.forEach(s -> s.run(scope, out));
      }
      default ->
          throw new TemplateException("unsupported template statement: {% " + content + " %}");
    };
  }

  private Stmt ifStatement(String condition) {
    List<JinjaExpr.Node> conditions = new ArrayList<>();
    List<List<Stmt>> branches = new ArrayList<>();
    conditions.add(JinjaExpr.parse(condition));
    branches.add(block(List.of("elif", "else", "endif")));
    List<Stmt> otherwise = List.of();
    while (true) {
      String kw = currentKeyword();
      String content = parts.get(pos).content();
      pos++;
      if (kw.equals("elif")) {
        conditions.add(JinjaExpr.parse(content.substring(4).trim()));
        branches.add(block(List.of("elif", "else", "endif")));
      } else if (kw.equals("else")) {
        otherwise = block(List.of("endif"));
      } else {
        break;
      }
    }
    List<Stmt> elseBranch = otherwise;
    return (scope, out) -> {
      for (int i = 0; i < conditions.size(); i++) {
        if (JinjaRuntime.truthy(conditions.get(i).eval(scope))) {
          branches.get(i).forEach(s -> s.run(scope, out));
          return;
        }
      }
      elseBranch.forEach(s -> s.run(scope, out));
    };
  }

  private Stmt forStatement(String header) {
    List<String> tokens = JinjaExpr.tokenize(header);
    int in = tokens.indexOf("in");
    if (in < 1) {
      throw new TemplateException("malformed for: " + header);
    }
    List<String> targets = new ArrayList<>();
    for (String t : tokens.subList(0, in)) {
      if (!t.equals(",")) {
        targets.add(t);
      }
    }
    JinjaExpr parser = JinjaExpr.over(tokens.subList(in + 1, tokens.size()));
    JinjaExpr.Node iterable = parser.expression();
    JinjaExpr.Node filter = null;
    if (!parser.atEnd()) {
      parser.expect("if");
      filter = parser.expression();
    }
    List<Stmt> loopBody = block(List.of("else", "endfor"));
    List<Stmt> elseBody = List.of();
    if (currentKeyword().equals("else")) {
      pos++;
      elseBody = block(List.of("endfor"));
    }
    pos++;
    JinjaExpr.Node cond = filter;
    List<Stmt> otherwise = elseBody;
    return (scope, out) -> {
      List<Object> items = new ArrayList<>();
      for (Object item : JinjaRuntime.asList(iterable.eval(scope))) {
        if (cond == null) {
          items.add(item);
        } else {
          JinjaRuntime.Scope probe = scope.child();
          bind(probe, targets, item);
          if (JinjaRuntime.truthy(cond.eval(probe))) {
            items.add(item);
          }
        }
      }
      if (items.isEmpty()) {
        otherwise.forEach(s -> s.run(scope, out));
        return;
      }
      for (int i = 0; i < items.size(); i++) {
        JinjaRuntime.Scope inner = scope.child();
        bind(inner, targets, items.get(i));
        Map<String, Object> loop = new LinkedHashMap<>();
        loop.put("index0", (long) i);
        loop.put("index", (long) i + 1);
        loop.put("first", i == 0);
        loop.put("last", i == items.size() - 1);
        loop.put("length", (long) items.size());
        loop.put("revindex", (long) (items.size() - i));
        loop.put("revindex0", (long) (items.size() - i - 1));
        loop.put("previtem", i > 0 ? items.get(i - 1) : JinjaRuntime.UNDEFINED);
        loop.put("nextitem", i + 1 < items.size() ? items.get(i + 1) : JinjaRuntime.UNDEFINED);
        inner.set("loop", loop);
        loopBody.forEach(s -> s.run(inner, out));
      }
    };
  }

  private static void bind(JinjaRuntime.Scope scope, List<String> targets, Object item) {
    if (targets.size() == 1) {
      scope.set(targets.get(0), item);
      return;
    }
    List<?> values = JinjaRuntime.asList(item);
    for (int i = 0; i < targets.size(); i++) {
      scope.set(targets.get(i), i < values.size() ? values.get(i) : JinjaRuntime.UNDEFINED);
    }
  }

  private Stmt setStatement(String rest) {
    int eq = rest.indexOf('=');
    if (eq < 0) {
      throw new TemplateException("block set is not supported: {% set " + rest + " %}");
    }
    String target = rest.substring(0, eq).trim();
    JinjaExpr.Node value = JinjaExpr.parse(rest.substring(eq + 1));
    int dot = target.indexOf('.');
    if (dot > 0) {
      String ns = target.substring(0, dot).trim();
      String attr = target.substring(dot + 1).trim();
      return (scope, out) -> {
        Object target1 = scope.lookup(ns);
        if (!(target1 instanceof JinjaRuntime.Namespace n)) {
          throw new TemplateException("cannot set attribute of " + ns);
        }
        n.put(attr, value.eval(scope));
      };
    }
    return (scope, out) -> scope.set(target, value.eval(scope));
  }
}
