package dev.assistant.llm.backend.text;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Parser for Jinja expressions: literals, names, attribute/index/slice access, calls, filters,
 * tests, arithmetic, comparisons, {@code in}, boolean logic and the conditional expression.
 */
final class JinjaExpr {
  /** An expression evaluated against a scope. */
  interface Node {
    Object eval(JinjaRuntime.Scope scope);
  }

  private final List<String> tokens;
  private int pos;

  private JinjaExpr(List<String> tokens) {
    this.tokens = tokens;
  }

  static Node parse(String src) {
    JinjaExpr p = new JinjaExpr(tokenize(src));
    Node n = p.expression();
    if (p.pos != p.tokens.size()) {
      throw new TemplateException("unexpected '" + p.tokens.get(p.pos) + "' in: " + src);
    }
    return n;
  }

  /** Parses a prefix of the tokens and returns the parser, for statements with trailing parts. */
  static JinjaExpr over(List<String> tokens) {
    return new JinjaExpr(tokens);
  }

  boolean atEnd() {
    return pos >= tokens.size();
  }

  String peek() {
    return pos < tokens.size() ? tokens.get(pos) : "";
  }

  String next() {
    if (pos >= tokens.size()) {
      throw new TemplateException("unexpected end of expression");
    }
    return tokens.get(pos++);
  }

  void expect(String t) {
    String got = next();
    if (!got.equals(t)) {
      throw new TemplateException("expected '" + t + "' but found '" + got + "'");
    }
  }

  static List<String> tokenize(String s) {
    List<String> out = new ArrayList<>();
    int i = 0;
    while (i < s.length()) {
      char c = s.charAt(i);
      if (Character.isWhitespace(c)) {
        i++;
      } else if (c == '\'' || c == '"') {
        StringBuilder sb = new StringBuilder().append('\'');
        int j = i + 1;
        while (j < s.length() && s.charAt(j) != c) {
          char d = s.charAt(j);
          if (d == '\\' && j + 1 < s.length()) {
            char e = s.charAt(++j);
            sb.append(
                switch (e) {
                  case 'n' -> '\n';
                  case 't' -> '\t';
                  case 'r' -> '\r';
                  default -> e;
                });
          } else {
            sb.append(d);
          }
          j++;
        }
        if (j >= s.length()) {
          throw new TemplateException("unterminated string in: " + s);
        }
        out.add(sb.toString());
        i = j + 1;
      } else if (Character.isDigit(c)) {
        int j = i;
        while (j < s.length() && (Character.isDigit(s.charAt(j)) || s.charAt(j) == '.')) {
          j++;
        }
        out.add(s.substring(i, j));
        i = j;
      } else if (Character.isLetter(c) || c == '_') {
        int j = i;
        while (j < s.length() && (Character.isLetterOrDigit(s.charAt(j)) || s.charAt(j) == '_')) {
          j++;
        }
        out.add(s.substring(i, j));
        i = j;
      } else {
        String two = i + 1 < s.length() ? s.substring(i, i + 2) : "";
        if (List.of("==", "!=", "<=", ">=", "//", "**").contains(two)) {
          out.add(two);
          i += 2;
        } else {
          out.add(String.valueOf(c));
          i++;
        }
      }
    }
    return out;
  }

  Node expression() {
    Node value = or();
    if (peek().equals("if")) {
      next();
      Node cond = or();
      Node otherwise = scope -> JinjaRuntime.UNDEFINED;
      if (peek().equals("else")) {
        next();
        otherwise = expression();
      }
      Node elseNode = otherwise;
      return scope ->
          JinjaRuntime.truthy(cond.eval(scope)) ? value.eval(scope) : elseNode.eval(scope);
    }
    return value;
  }

  private Node or() {
    Node left = and();
    while (peek().equals("or")) {
      next();
      Node l = left;
      Node r = and();
      left = scope -> JinjaRuntime.truthy(l.eval(scope)) ? l.eval(scope) : r.eval(scope);
    }
    return left;
  }

  private Node and() {
    Node left = not();
    while (peek().equals("and")) {
      next();
      Node l = left;
      Node r = not();
      left = scope -> !JinjaRuntime.truthy(l.eval(scope)) ? l.eval(scope) : r.eval(scope);
    }
    return left;
  }

  private Node not() {
    if (peek().equals("not")) {
      next();
      Node n = not();
      return scope -> !JinjaRuntime.truthy(n.eval(scope));
    }
    return comparison();
  }

  private Node comparison() {
    Node left = concat();
    while (true) {
      String op = peek();
      if (List.of("==", "!=", "<", ">", "<=", ">=").contains(op)) {
        next();
        Node l = left;
        Node r = concat();
        left = scope -> JinjaRuntime.compare(op, l.eval(scope), r.eval(scope));
      } else if (op.equals("in")
          || (op.equals("not") && pos + 1 < tokens.size() && tokens.get(pos + 1).equals("in"))) {
        boolean negate = op.equals("not");
        next();
        if (negate) {
          next();
        }
        Node l = left;
        Node r = concat();
        left = scope -> negate != JinjaRuntime.contains(r.eval(scope), l.eval(scope));
      } else if (op.equals("is")) {
        next();
        boolean negate = false;
        if (peek().equals("not")) {
          next();
          negate = true;
        }
        String test = next();
        List<Node> args = new ArrayList<>();
        if (peek().equals("(")) {
          args = callArgs(new LinkedHashMap<>());
        } else if (!atEnd() && isPrimaryStart(peek())) {
          args.add(concat());
        }
        Node l = left;
        List<Node> a = args;
        boolean neg = negate;
        left = scope -> neg != JinjaRuntime.test(test, l.eval(scope), evalAll(a, scope));
      } else {
        return left;
      }
    }
  }

  private static boolean isPrimaryStart(String t) {
    return t.startsWith("'") || Character.isLetterOrDigit(t.charAt(0)) || t.equals("_");
  }

  private Node concat() {
    Node left = additive();
    while (peek().equals("~")) {
      next();
      Node l = left;
      Node r = additive();
      left = scope -> JinjaRuntime.str(l.eval(scope)) + JinjaRuntime.str(r.eval(scope));
    }
    return left;
  }

  private Node additive() {
    Node left = multiplicative();
    while (peek().equals("+") || peek().equals("-")) {
      String op = next();
      Node l = left;
      Node r = multiplicative();
      left = scope -> JinjaRuntime.arithmetic(op, l.eval(scope), r.eval(scope));
    }
    return left;
  }

  private Node multiplicative() {
    Node left = unary();
    while (List.of("*", "/", "//", "%").contains(peek())) {
      String op = next();
      Node l = left;
      Node r = unary();
      left = scope -> JinjaRuntime.arithmetic(op, l.eval(scope), r.eval(scope));
    }
    return left;
  }

  private Node unary() {
    if (peek().equals("-")) {
      next();
      Node n = unary();
      return scope -> JinjaRuntime.arithmetic("-", 0L, n.eval(scope));
    }
    return filtered();
  }

  private Node filtered() {
    Node left = postfix();
    while (peek().equals("|")) {
      next();
      String name = next();
      Map<String, Node> kwargs = new LinkedHashMap<>();
      List<Node> args = peek().equals("(") ? callArgs(kwargs) : List.of();
      Node l = left;
      left =
          scope ->
              JinjaRuntime.filter(
                  name, l.eval(scope), evalAll(args, scope), evalAll(kwargs, scope));
    }
    return left;
  }

  private Node postfix() {
    Node node = primary();
    while (true) {
      String t = peek();
      if (t.equals(".")) {
        next();
        String attr = next();
        Node n = node;
        if (peek().equals("(")) {
          Map<String, Node> kwargs = new LinkedHashMap<>();
          List<Node> args = callArgs(kwargs);
          node = scope -> JinjaRuntime.callMethod(n.eval(scope), attr, evalAll(args, scope));
        } else {
          node = scope -> JinjaRuntime.attribute(n.eval(scope), attr);
        }
      } else if (t.equals("[")) {
        next();
        Node start = peek().equals(":") ? null : expression();
        if (peek().equals(":")) {
          next();
          Node end = peek().equals("]") ? null : expression();
          expect("]");
          Node n = node;
          Node s = start;
          node =
              scope ->
                  JinjaRuntime.slice(
                      n.eval(scope),
                      s == null ? null : s.eval(scope),
                      end == null ? null : end.eval(scope));
        } else {
          expect("]");
          Node n = node;
          Node key = start;
          node = scope -> JinjaRuntime.index(n.eval(scope), key.eval(scope));
        }
      } else if (t.equals("(")) {
        Map<String, Node> kwargs = new LinkedHashMap<>();
        List<Node> args = callArgs(kwargs);
        Node n = node;
        node =
            scope -> JinjaRuntime.call(n.eval(scope), evalAll(args, scope), evalAll(kwargs, scope));
      } else {
        return node;
      }
    }
  }

  private List<Node> callArgs(Map<String, Node> kwargs) {
    expect("(");
    List<Node> args = new ArrayList<>();
    while (!peek().equals(")")) {
      if (pos + 1 < tokens.size()
          && tokens.get(pos + 1).equals("=")
          && Character.isLetter(peek().charAt(0))) {
        String key = next();
        next();
        kwargs.put(key, expression());
      } else {
        args.add(expression());
      }
      if (peek().equals(",")) {
        next();
      }
    }
    expect(")");
    return args;
  }

  private Node primary() {
    String t = next();
    if (t.startsWith("'")) {
      String v = t.substring(1);
      return scope -> v;
    }
    if (Character.isDigit(t.charAt(0))) {
      Object v = t.contains(".") ? (Object) Double.parseDouble(t) : (Object) Long.parseLong(t);
      return scope -> v;
    }
    switch (t) {
      case "true", "True" -> {
        return scope -> Boolean.TRUE;
      }
      case "false", "False" -> {
        return scope -> Boolean.FALSE;
      }
      case "none", "None" -> {
        return scope -> null;
      }
      case "(" -> {
        Node n = expression();
        if (peek().equals(",")) {
          List<Node> items = new ArrayList<>(List.of(n));
          while (peek().equals(",")) {
            next();
            if (peek().equals(")")) {
              break;
            }
            items.add(expression());
          }
          expect(")");
          return scope -> evalAll(items, scope);
        }
        expect(")");
        return n;
      }
      case "[" -> {
        List<Node> items = new ArrayList<>();
        while (!peek().equals("]")) {
          items.add(expression());
          if (peek().equals(",")) {
            next();
          }
        }
        expect("]");
        return scope -> evalAll(items, scope);
      }
      case "{" -> {
        List<Node[]> entries = new ArrayList<>();
        while (!peek().equals("}")) {
          Node k = expression();
          expect(":");
          entries.add(new Node[] {k, expression()});
          if (peek().equals(",")) {
            next();
          }
        }
        expect("}");
        return scope -> {
          Map<String, Object> m = new LinkedHashMap<>();
          for (Node[] e : entries) {
            m.put(JinjaRuntime.str(e[0].eval(scope)), e[1].eval(scope));
          }
          return m;
        };
      }
      default -> {
        if (!Character.isLetter(t.charAt(0)) && t.charAt(0) != '_') {
          throw new TemplateException("unexpected '" + t + "'");
        }
        return scope -> scope.lookup(t);
      }
    }
  }

  static List<Object> evalAll(List<Node> nodes, JinjaRuntime.Scope scope) {
    List<Object> out = new ArrayList<>(nodes.size());
    for (Node n : nodes) {
      out.add(n.eval(scope));
    }
    return out;
  }

  static Map<String, Object> evalAll(Map<String, Node> nodes, JinjaRuntime.Scope scope) {
    Map<String, Object> out = new LinkedHashMap<>();
    nodes.forEach((k, v) -> out.put(k, v.eval(scope)));
    return out;
  }
}
