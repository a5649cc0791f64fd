package dev.assistant.common.language;

import java.util.Locale;

/** Matching of language tags the way voices are chosen: "en" matches "en-us" and back. */
public final class LanguageTags {
  private LanguageTags() {}

  /** Lower case with '-' separators ("en_US" → "en-us"). */
  public static String normalize(String tag) {
    return tag.toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /**
   * True when a voice tagged {@code offered} speaks {@code requested}: equal tags, or one is the
   * bare language of the other.
   */
  public static boolean matches(String offered, String requested) {
    String have = normalize(offered);
    String want = normalize(requested);
    return have.equals(want) || base(have).equals(want) || have.equals(base(want));
  }

  private static String base(String tag) {
    int dash = tag.indexOf('-');
    return dash < 0 ? tag : tag.substring(0, dash);
  }
}
