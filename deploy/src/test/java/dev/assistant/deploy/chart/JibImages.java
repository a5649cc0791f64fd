package dev.assistant.deploy.chart;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/** The images deploy/pom.xml's Jib executions build: name, entrypoint, ports, user. */
final class JibImages {
  static final Path POM = Path.of(System.getProperty("repo.root", ".."), "deploy", "pom.xml");

  record Image(String name, List<String> entrypoint, List<Integer> ports, String user) {
    /** The main class: the entrypoint's last word. */
    String mainClass() {
      return entrypoint.get(entrypoint.size() - 1);
    }

    /** The jar after {@code -cp}. */
    String jar() {
      return entrypoint.get(entrypoint.indexOf("-cp") + 1);
    }
  }

  private JibImages() {}

  /** Execution id → image, from the {@code images} profile. */
  static Map<String, Image> read() throws Exception {
    var doc = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(POM.toFile());
    Element jib = null;
    NodeList plugins = doc.getElementsByTagName("plugin");
    for (int i = 0; i < plugins.getLength(); i++) {
      Element p = (Element) plugins.item(i);
      if ("jib-maven-plugin".equals(text(p, "artifactId"))) {
        jib = p;
      }
    }
    if (jib == null) {
      throw new AssertionError("no jib-maven-plugin in " + POM);
    }
    String version = text(child(doc.getDocumentElement(), "parent"), "version");
    Element shared = child(jib, "configuration");
    String user = text(child(shared, "container"), "user");
    Map<String, Image> out = new LinkedHashMap<>();
    for (Element e : children(child(jib, "executions"), "execution")) {
      Element config = child(e, "configuration");
      String image = text(child(config, "to"), "image");
      String name = image.substring(image.indexOf('/') + 1, image.lastIndexOf(':'));
      Element container = child(config, "container");
      List<String> entrypoint = new ArrayList<>();
      for (Element arg : children(child(container, "entrypoint"), "arg")) {
        entrypoint.add(arg.getTextContent().trim().replace("${project.version}", version));
      }
      List<Integer> ports = new ArrayList<>();
      Element portList = child(container, "ports");
      if (portList != null) {
        for (Element port : children(portList, "port")) {
          ports.add(Integer.parseInt(port.getTextContent().trim()));
        }
      }
      out.put(text(e, "id"), new Image(name, entrypoint, ports, user));
    }
    return out;
  }

  private static Element child(Element parent, String tag) {
    List<Element> c = children(parent, tag);
    return c.isEmpty() ? null : c.get(0);
  }

  private static List<Element> children(Element parent, String tag) {
    List<Element> out = new ArrayList<>();
    for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element el && el.getTagName().equals(tag)) {
        out.add(el);
      }
    }
    return out;
  }

  private static String text(Element parent, String tag) {
    Element c = child(parent, tag);
    return c == null ? null : c.getTextContent().trim();
  }
}
