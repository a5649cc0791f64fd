package dev.assistant.gateway.coordinator;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Splits text that grows token by token into complete sentences, so speech synthesis can start on
 * the first sentence while the rest of the answer is still being generated.
 *
 * <p>The function is pure and stateless: the caller keeps {@link Split#remainder()} (for example in
 * a Kafka Streams state store), appends the next token text to it and calls {@link #split} again.
 * Every decision looks only at text that is already present and is taken only once enough of the
 * following text is known to make it final, so the sentences do not depend on how the text was cut
 * into tokens: splitting {@code a + b} at once gives the same sentences as splitting {@code a},
 * then its remainder {@code + b}.
 *
 * <p>Boundaries:
 *
 * <ul>
 *   <li>{@code .}, {@code !}, {@code ?}, ellipses, with closing quotes, brackets or markdown
 *       emphasis after them, followed by whitespace. A period or ellipsis followed by a lowercase
 *       word is not a boundary ("approx. five", "well... maybe").
 *   <li>Not after titles (Dr., Mr.), Latin abbreviations (e.g., i.e., vs.), single initials (J. K.
 *       Rowling), numbered-list markers at the start of a sentence ("2. Mix"), or "No." / "Fig."
 *       before a number. Initialisms such as "U.S." end a sentence only when a typical sentence
 *       opener follows ("in the U.S. The ...").
 *   <li>A line break, unless the next line continues in lowercase (a hard-wrapped sentence); a
 *       blank line (markdown paragraph) always.
 *   <li>CJK full stops ({@code 。！？}) need no whitespace after them.
 *   <li>A sentence longer than {@link #MAX_SENTENCE_CHARS} is cut at its last clause mark ({@code ,
 *       ; :}) or word break, so that a run-on answer cannot hold back speech indefinitely.
 * </ul>
 *
 * <p>Streaming: a terminator at the very end of the text is not yet a boundary ("3." may become
 * "3.5", "Dr." may be followed by a name), nor is a period followed only by whitespace (the case of
 * the next word decides). Pass {@code finished = true} with the last piece of text to flush the
 * remainder as the final sentence.
 *
 * <p>Sentences are trimmed and their inner whitespace collapsed to single spaces; fragments without
 * any letter or digit (a markdown rule, a lone emoji) are dropped because there is nothing to say.
 */
public final class SentenceSplitter {

  /** Longest sentence, in chars, before it is cut at a clause or word break. */
  public static final int MAX_SENTENCE_CHARS = 300;

  /** Complete sentences and the unfinished text to keep for the next call. */
  public record Split(List<String> sentences, String remainder) {
    public Split {
      sentences = List.copyOf(sentences);
      Objects.requireNonNull(remainder, "remainder");
    }
  }

  /** Abbreviations (lowercase, without the final period) that never end a sentence. */
  private static final Set<String> NEVER_FINAL =
      Set.of(
          "mr", "mrs", "ms", "dr", "prof", "rev", "fr", "sr", "jr", "st", "mt", "ft", "gen", "col",
          "capt", "lt", "sgt", "gov", "sen", "rep", "hon", "pres", "messrs", "e.g", "i.e", "cf",
          "viz", "vs", "approx", "ca", "incl", "esp", "resp", "dept", "est", "al");

  /** Abbreviations that do not end a sentence when a number follows ("No. 5", "Jan. 5"). */
  private static final Set<String> BEFORE_NUMBER =
      Set.of(
          "no", "nos", "nr", "fig", "figs", "vol", "p", "pp", "ch", "sec", "art", "eq", "ref",
          "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec");

  /** Words that typically open a sentence; after an initialism ("U.S.") they signal a boundary. */
  private static final Set<String> SENTENCE_OPENERS =
      Set.of(
          "the", "this", "that", "these", "those", "it", "its", "he", "she", "they", "we", "i",
          "you", "there", "here", "in", "a", "an", "but", "and", "so", "however", "my", "our",
          "their", "his", "her", "what", "when", "why", "how", "if", "as", "after", "before",
          "today", "yes", "no", "then", "also", "for", "on", "at");

  private static final Pattern INITIALISM = Pattern.compile("(?:\\p{L}{1,2}\\.)+\\p{L}{1,2}");
  private static final Pattern LIST_NUMBER = Pattern.compile("\\d{1,3}");
  private static final Pattern WHITESPACE_RUN = Pattern.compile("\\s+");

  private static final String TERMINATORS = ".!?…";
  private static final String CJK_TERMINATORS = "。！？";
  private static final String CLOSERS = "\"'”’»)]}*_`」』）";

  /** No boundary can be decided with the text present. */
  private static final int NONE = -1;

  private SentenceSplitter() {}

  /**
   * Finds the complete sentences in {@code pending}.
   *
   * @param pending text accumulated so far: the previous remainder plus new token text
   * @param finished true when no more text will follow; the remainder is then flushed as the last
   *     sentence and the returned remainder is empty
   */
  public static Split split(String pending, boolean finished) {
    Objects.requireNonNull(pending, "pending");
    List<String> sentences = new ArrayList<>();
    int start = 0;
    while (true) {
      int sentenceStart = skipWhitespace(pending, start);
      if (sentenceStart == pending.length()) {
        break;
      }
      int end = findBoundary(pending, sentenceStart, finished);
      if (end == NONE) {
        break;
      }
      addIfSpeakable(sentences, pending.substring(sentenceStart, end));
      start = end;
    }
    String remainder = pending.substring(start);
    if (finished) {
      addIfSpeakable(sentences, remainder);
      remainder = "";
    }
    return new Split(sentences, remainder);
  }

  /** End (exclusive) of the sentence starting at {@code from}, or {@link #NONE}. */
  private static int findBoundary(String text, int from, boolean finished) {
    int i = from;
    while (i < text.length()) {
      if (i - from >= MAX_SENTENCE_CHARS) {
        return cutLongSentence(text, from, i);
      }
      char c = text.charAt(i);
      if (c == '\n') {
        int decision = newlineBoundary(text, i, finished);
        if (decision != NONE) {
          return decision;
        }
        if (isUndecided(text, i + 1)) {
          return NONE;
        }
        i++;
      } else if (CJK_TERMINATORS.indexOf(c) >= 0) {
        int end = skipClosers(text, skipTerminators(text, i));
        if (end == text.length() && !finished) {
          return NONE; // a closing bracket may still follow
        }
        return end;
      } else if (TERMINATORS.indexOf(c) >= 0) {
        int clusterEnd = skipTerminators(text, i);
        int end = skipClosers(text, clusterEnd);
        if (end == text.length()) {
          return finished ? end : NONE;
        }
        if (!Character.isWhitespace(text.charAt(end))) {
          i = clusterEnd; // "3.14", "e.g.,", "example.com", "?!" inside a word
          continue;
        }
        int next = skipWhitespace(text, end);
        if (next == text.length()) {
          if (!finished) {
            return NONE; // the next word's case decides
          }
          return end;
        }
        if (endsSentence(text, from, i, clusterEnd, next)) {
          return end;
        }
        i = clusterEnd;
      } else {
        i++;
      }
    }
    return NONE;
  }

  /**
   * Whether the terminator cluster {@code [mark, clusterEnd)} ends the sentence, given the first
   * character of the following text at {@code next}.
   */
  private static boolean endsSentence(String text, int from, int mark, int clusterEnd, int next) {
    String cluster = text.substring(mark, clusterEnd);
    if (cluster.indexOf('!') >= 0 || cluster.indexOf('?') >= 0) {
      return true;
    }
    char following = text.charAt(next);
    if (Character.isLowerCase(following)) {
      return false; // "approx. five", "well... maybe", "Inc. announced"
    }
    if (cluster.length() > 1 || cluster.equals("…")) {
      return true; // an ellipsis before a capitalised word
    }
    int wordStart = wordStart(text, from, mark);
    String word = text.substring(wordStart, mark);
    String lower = word.toLowerCase(Locale.ROOT);
    if (NEVER_FINAL.contains(lower)) {
      return false;
    }
    if (word.length() == 1 && Character.isUpperCase(word.charAt(0))) {
      return false; // an initial: "J. K. Rowling"
    }
    if (BEFORE_NUMBER.contains(lower) && Character.isDigit(following)) {
      return false;
    }
    if (LIST_NUMBER.matcher(word).matches() && wordStart == firstLetterOrDigit(text, from)) {
      return false; // a numbered-list marker: "2. Mix the flour"
    }
    if (INITIALISM.matcher(word).matches()) {
      return SENTENCE_OPENERS.contains(nextWord(text, next).toLowerCase(Locale.ROOT));
    }
    return true;
  }

  /**
   * A line break at {@code newline} ends the sentence unless the next line starts in lowercase; a
   * blank line always does. Returns the end of the sentence, or {@link #NONE} when it does not end
   * here or cannot be decided yet.
   */
  private static int newlineBoundary(String text, int newline, boolean finished) {
    int k = newline + 1;
    while (k < text.length() && isInlineSpace(text.charAt(k))) {
      k++;
    }
    if (k == text.length()) {
      return finished ? newline : NONE;
    }
    char first = text.charAt(k);
    if (first == '\n' || !Character.isLowerCase(first)) {
      return newline;
    }
    return NONE;
  }

  /** True when the line starting at {@code lineStart} has no visible character yet. */
  private static boolean isUndecided(String text, int lineStart) {
    int k = lineStart;
    while (k < text.length() && isInlineSpace(text.charAt(k))) {
      k++;
    }
    return k == text.length();
  }

  /** Cuts a run-on sentence at its last clause mark, else its last word break, before {@code i}. */
  private static int cutLongSentence(String text, int from, int i) {
    int minimum = from + MAX_SENTENCE_CHARS / 3;
    for (int p = i - 1; p >= minimum; p--) {
      if (",;:".indexOf(text.charAt(p)) >= 0 && Character.isWhitespace(text.charAt(p + 1))) {
        return p + 1;
      }
    }
    for (int p = i - 1; p > from; p--) {
      if (Character.isWhitespace(text.charAt(p))) {
        return p;
      }
    }
    // One enormous token: cut it, but never between the halves of a surrogate pair.
    return Character.isLowSurrogate(text.charAt(i)) ? i - 1 : i;
  }

  private static int skipTerminators(String text, int i) {
    while (i < text.length()
        && (TERMINATORS.indexOf(text.charAt(i)) >= 0
            || CJK_TERMINATORS.indexOf(text.charAt(i)) >= 0)) {
      i++;
    }
    return i;
  }

  private static int skipClosers(String text, int i) {
    while (i < text.length() && CLOSERS.indexOf(text.charAt(i)) >= 0) {
      i++;
    }
    return i;
  }

  private static int skipWhitespace(String text, int i) {
    while (i < text.length() && Character.isWhitespace(text.charAt(i))) {
      i++;
    }
    return i;
  }

  private static boolean isInlineSpace(char c) {
    return c != '\n' && Character.isWhitespace(c);
  }

  /** Start of the word that ends at {@code end}, without leading brackets, quotes or markup. */
  private static int wordStart(String text, int from, int end) {
    int s = end;
    while (s > from && !Character.isWhitespace(text.charAt(s - 1))) {
      s--;
    }
    while (s < end && !Character.isLetterOrDigit(text.charAt(s))) {
      s++;
    }
    return s;
  }

  private static int firstLetterOrDigit(String text, int from) {
    int i = from;
    while (i < text.length() && !Character.isLetterOrDigit(text.charAt(i))) {
      i++;
    }
    return i;
  }

  /** The letters of the word starting at {@code i}, after any opening quotes or brackets. */
  private static String nextWord(String text, int i) {
    int s = firstLetterOrDigit(text, i);
    int e = s;
    while (e < text.length() && Character.isLetter(text.charAt(e))) {
      e++;
    }
    return text.substring(s, e);
  }

  private static void addIfSpeakable(List<String> sentences, String raw) {
    String sentence = WHITESPACE_RUN.matcher(raw).replaceAll(" ").trim();
    if (sentence.codePoints().anyMatch(Character::isLetterOrDigit)) {
      sentences.add(sentence);
    }
  }
}
