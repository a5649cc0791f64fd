package dev.assistant.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.assistant.audio.WavWriter;
import dev.assistant.common.config.Config;
import dev.assistant.common.testing.TopicReader;
import dev.assistant.gateway.web.WebPlayground;
import dev.assistant.internal.v1.LlmRequestRecord;
import dev.assistant.internal.v1.ResultRecord;
import dev.assistant.tts.backend.AudioClip;
import dev.assistant.tts.backend.SynthesisRequest;
import dev.assistant.tts.backend.TextToSpeech;
import dev.assistant.tts.backend.TextToSpeechRegistry;
import io.grpc.Status;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The web playground in a real headless Chromium against the real pipeline. Chromium's fake
 * microphone plays a WAV spoken by the project's own speech synthesizer; the page records it as
 * PCM, streams it to a turn and shows what comes back. Checks are on the page (its counters in
 * {@code window.playground}, images, texts) and, for what must reach the workers, on the topics.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PlaygroundIT {
  private static final Duration TURN_TIMEOUT = Duration.ofSeconds(180);
  private static final Path SCREENSHOTS = Path.of("target", "playground");

  private static EndToEndPipeline pipeline;
  private static ChromeDriver browser;
  private static String url;

  @BeforeAll
  static void start() throws Exception {
    DebianTool.require("chromium", "chromium");
    DebianTool.require("chromedriver", "chromium-driver");
    Files.createDirectories(SCREENSHOTS);
    Path question = SCREENSHOTS.resolve("question.wav");
    Files.write(question, spokenQuestion("What is in this picture? Please describe it."));
    pipeline = EndToEndPipeline.start(Path.of("target", "e2e-models"));
    WebPlayground web =
        pipeline.gateway().frontEnds().stream()
            .filter(WebPlayground.class::isInstance)
            .map(WebPlayground.class::cast)
            .findFirst()
            .orElseThrow(() -> new AssertionError("the gateway started no web playground"));
    url = web.url();

    ChromeOptions options = new ChromeOptions();
    options.setBinary(which("chromium"));
    options.addArguments(
        "--headless=new",
        "--no-sandbox",
        "--disable-dev-shm-usage",
        "--disable-gpu",
        "--window-size=1280,800",
        "--use-fake-ui-for-media-stream",
        "--use-fake-device-for-media-stream",
        "--use-file-for-fake-audio-capture=" + question.toAbsolutePath(),
        "--autoplay-policy=no-user-gesture-required");
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(new File(which("chromedriver")))
            .usingAnyFreePort()
            .build();
    browser = new ChromeDriver(service, options);
    browser.manage().window().setSize(new Dimension(1280, 800));
    browser.get(url);
  }

  @AfterAll
  static void stop() {
    if (browser != null) {
      browser.quit();
    }
    if (pipeline != null) {
      pipeline.close();
    }
  }

  @Test
  @Order(1)
  void spokenQuestionStreamsTranscriptAnswerSpeechAndSpectrograms() throws Exception {
    setMaxTokens(12);
    long sentBefore = stat("audioChunksSent");
    // Captured, not sent: posts lag behind the microphone on a busy machine.
    double before = statSeconds("audioSecondsCaptured");
    click("talk");
    await("three seconds recorded", () -> statSeconds("audioSecondsCaptured") >= before + 3.0);
    click("talk");
    Map<String, Object> turn = awaitTurnEnd(0);
    assertEquals("completed", turn.get("terminal"), "turn ended: " + turn);
    assertTrue(stat("audioChunksSent") - sentBefore >= 10, "audio went up in chunks");

    assertTrue(stat("finalTranscripts") >= 1, "a final transcript arrived");
    assertFalse(text("transcript").isBlank(), "the transcript is on the page");
    assertTrue(stat("answerDeltas") >= 1, "the answer streamed");
    assertFalse(text("answer").isBlank(), "the answer is on the page");
    assertTrue(stat("audioChunksScheduled") >= 1, "spoken answer scheduled for playback");
    assertTrue(statSeconds("scheduledSeconds") > 0.1, "some seconds of speech scheduled");

    await("question spectrogram loaded", () -> naturalWidth("#question-spectrogram") > 0);
    await("answer spectrograms loaded", () -> naturalWidth("#answer-spectrograms img") > 0);
    assertTrue(browser.findElement(By.id("timings")).isDisplayed(), "per-stage timings shown");
    assertTrue(
        browser.findElements(By.cssSelector("#timings tbody tr")).size() >= 3, "one row per stage");

    js("window.scrollTo(0, 0)");
    screenshot("playground-desktop.png");
    browser.manage().window().setSize(new Dimension(390, 844));
    Long overflow =
        (Long)
            js(
                "return document.documentElement.scrollWidth"
                    + " - document.documentElement.clientWidth");
    js("window.scrollTo(0, 0)");
    screenshot("playground-phone.png");
    js("document.getElementById('answer-title').scrollIntoView()");
    screenshot("playground-phone-answer.png");
    browser.manage().window().setSize(new Dimension(1280, 800));
    assertTrue(overflow <= 0, "no sideways scrolling on a phone: " + overflow + " px too wide");
  }

  @Test
  @Order(2)
  void uploadedImageReachesTheLanguageModel() throws Exception {
    setMaxTokens(2);
    prompt("Describe it.");
    click("send");
    Map<String, Object> textOnly = awaitTurnEnd(turnCount() - 1);
    assertEquals("completed", textOnly.get("terminal"), String.valueOf(textOnly));

    byte[] png = TestMedia.png();
    Path file = Files.write(SCREENSHOTS.resolve("sky.png"), png);
    browser.findElement(By.id("image")).sendKeys(file.toAbsolutePath().toString());
    await("image preview shown", () -> naturalWidth("#image-preview-img") > 0);
    prompt("Describe it.");
    click("send");
    Map<String, Object> withImage = awaitTurnEnd(turnCount() - 1);
    assertEquals("completed", withImage.get("terminal"), String.valueOf(withImage));

    String id = (String) withImage.get("requestId");
    LlmRequestRecord seen = llmRequest(id);
    assertArrayEquals(png, seen.getImage().getData().toByteArray(), "the uploaded bytes");
    long withTokens = (Long) withImage.get("promptTokens");
    long withoutTokens = (Long) textOnly.get("promptTokens");
    assertTrue(
        withTokens > withoutTokens,
        "image positions in the prompt: " + withTokens + " vs " + withoutTokens + " without");
  }

  @Test
  @Order(3)
  void cancelEndsTheRunningRequestWithItsTerminalEvent() throws Exception {
    setMaxTokens(EndToEndPipeline.MAX_TOKENS_LIMIT);
    prompt("Write a very long essay about rivers.");
    click("send");
    int index = turnCount() - 1;
    await("the answer streams", () -> !String.valueOf(turn(index).get("answer")).isEmpty());
    click("cancel");
    Map<String, Object> turn = awaitTurnEnd(index);
    assertEquals("error", turn.get("terminal"), String.valueOf(turn));
    assertEquals("CANCELLED", turn.get("errorCode"), String.valueOf(turn));
    assertEquals(Status.Code.CANCELLED.value(), result((String) turn.get("requestId")));
  }

  @Test
  @Order(4)
  void talkingWhileTheAnswerPlaysCancelsIt() throws Exception {
    setMaxTokens(EndToEndPipeline.MAX_TOKENS_LIMIT);
    prompt("Tell me a long story about the sea.");
    click("send");
    int index = turnCount() - 1;
    long stopsBefore = stat("playbackStops");
    setMaxTokens(4);
    prompt("");
    // Barge-in: press Talk while a sentence is sounding and the answer is still being generated.
    // Checked and pressed in one script, so the sentence cannot end in between.
    await(
        "barge-in while the answer plays and is still generated",
        () ->
            Boolean.TRUE.equals(
                js(
                    "const t = window.playground.turns[arguments[0]];"
                        + "if (t.terminal || !window.playground.playing()) return false;"
                        + "document.getElementById('talk').click(); return true;",
                    index)));
    long chunksAtBargeIn = (Long) turn(index).get("audioChunks");
    assertTrue(stat("playbackStops") > stopsBefore, "playback stopped at once");
    assertTrue(stat("bargeIns") >= 1, "counted as barge-in");

    // A second of the new question, then stop: the audio limit counts while we wait below.
    int next = index + 1;
    await("the new question is recorded", () -> turnCount() > next && turn(next).get("id") != null);
    double heard = statSeconds("audioSecondsCaptured");
    await("a second of the new question", () -> statSeconds("audioSecondsCaptured") > heard + 1);
    click("talk");

    Map<String, Object> interrupted = awaitTurnEnd(index);
    assertEquals("CANCELLED", interrupted.get("errorCode"), String.valueOf(interrupted));
    assertEquals(Status.Code.CANCELLED.value(), result((String) interrupted.get("requestId")));
    assertEquals(
        chunksAtBargeIn,
        ((Long) interrupted.get("audioChunks")).longValue(),
        "nothing more of the interrupted answer is played");
    Map<String, Object> asked = awaitTurnEnd(next);
    assertEquals("completed", asked.get("terminal"), "the new question was answered: " + asked);
  }

  @Test
  @Order(5)
  void corruptImageShowsTheReasonInWords() throws Exception {
    byte[] noise = new byte[4096];
    new SplittableRandom(5).nextBytes(noise);
    Path file = Files.write(SCREENSHOTS.resolve("broken.png"), noise);
    browser.findElement(By.id("image")).sendKeys(file.toAbsolutePath().toString());
    prompt("What is this?");
    click("send");
    Map<String, Object> turn = awaitTurnEnd(turnCount() - 1);
    assertEquals("INVALID_ARGUMENT", turn.get("errorCode"), String.valueOf(turn));
    WebElement error = browser.findElement(By.id("error"));
    await("the error is shown", error::isDisplayed);
    assertTrue(
        error.getText().contains("not a PNG, JPEG or WebP file"), "error text: " + error.getText());
  }

  // --- helpers ----------------------------------------------------------------------------------

  /** The question as the project's own synthesizer speaks it: a 16-bit PCM WAV. */
  private static byte[] spokenQuestion(String text) throws Exception {
    try (TextToSpeech tts = new TextToSpeechRegistry().create(Config.empty())) {
      AudioClip clip = tts.synthesize(SynthesisRequest.of(text));
      assertTrue(clip.seconds() > 1, "synthesized " + clip.seconds() + " s");
      return WavWriter.toWav(clip.samples(), clip.sampleRate());
    }
  }

  private static String which(String tool) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      Path p = Path.of(dir, tool);
      if (!dir.isEmpty() && Files.isExecutable(p)) {
        return p.toString();
      }
    }
    throw new AssertionError(tool + " is not on the PATH");
  }

  private static Object js(String script, Object... args) {
    return ((JavascriptExecutor) browser).executeScript(script, args);
  }

  private static long stat(String name) {
    return ((Number) js("return window.playground.stats[arguments[0]]", name)).longValue();
  }

  private static double statSeconds(String name) {
    return ((Number) js("return window.playground.stats[arguments[0]]", name)).doubleValue();
  }

  private static int turnCount() {
    return ((Number) js("return window.playground.turns.length")).intValue();
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> turn(int index) {
    return (Map<String, Object>)
        js(
            "const t = window.playground.turns[arguments[0]];"
                + "return {id: t.id, requestId: t.requestId, terminal: t.terminal,"
                + " errorCode: t.errorCode, errorMessage: t.errorMessage, answer: t.answer,"
                + " transcript: t.transcript, promptTokens: t.promptTokens,"
                + " audioChunks: t.audioChunks, spectrograms: t.spectrograms};",
            index);
  }

  private static Map<String, Object> awaitTurnEnd(int index) {
    await("turn " + index + " ends", () -> turn(index).get("terminal") != null, TURN_TIMEOUT);
    return turn(index);
  }

  private static long naturalWidth(String selector) {
    Object w =
        js(
            "const els = document.querySelectorAll(arguments[0]);"
                + "if (els.length === 0) return 0;"
                + "return Math.min(...[...els].map(e => e.complete ? e.naturalWidth : 0));",
            selector);
    return ((Number) w).longValue();
  }

  private static void await(String what, java.util.function.BooleanSupplier condition) {
    await(what, condition, TURN_TIMEOUT);
  }

  private static void await(
      String what, java.util.function.BooleanSupplier condition, Duration timeout) {
    new WebDriverWait(browser, timeout, Duration.ofMillis(100))
        .withMessage(() -> what + "; stats " + js("return JSON.stringify(window.playground.stats)"))
        .until(d -> condition.getAsBoolean());
  }

  private static void click(String id) {
    browser.findElement(By.id(id)).click();
  }

  private static String text(String id) {
    return browser.findElement(By.id(id)).getText();
  }

  private static void prompt(String text) {
    WebElement p = browser.findElement(By.id("prompt"));
    p.clear();
    p.sendKeys(text);
  }

  private static void setMaxTokens(int n) {
    WebElement m = browser.findElement(By.id("max-tokens"));
    m.clear();
    m.sendKeys(Integer.toString(n));
  }

  private static void screenshot(String name) throws Exception {
    Files.write(SCREENSHOTS.resolve(name), browser.getScreenshotAs(OutputType.BYTES));
  }

  private static LlmRequestRecord llmRequest(String requestId) {
    try (var reader =
        new TopicReader<>(
            pipeline.config(), pipeline.topics().llmRequests(), LlmRequestRecord.parser())) {
      List<LlmRequestRecord> all =
          reader.readUntil(
              l -> l.stream().anyMatch(r -> r.getRequestId().equals(requestId)),
              Duration.ofSeconds(60));
      return all.stream()
          .filter(r -> r.getRequestId().equals(requestId))
          .findFirst()
          .orElseThrow(() -> new AssertionError("no llm.requests record for " + requestId));
    }
  }

  /** The status code of the request's final record on the results topic. */
  private static int result(String requestId) {
    try (var reader =
        new TopicReader<>(pipeline.config(), pipeline.topics().results(), ResultRecord.parser())) {
      return reader
          .readUntil(
              l -> l.stream().anyMatch(r -> r.getRequestId().equals(requestId)),
              Duration.ofSeconds(60))
          .stream()
          .filter(r -> r.getRequestId().equals(requestId))
          .findFirst()
          .orElseThrow(() -> new AssertionError("no result record for " + requestId))
          .getStatusCode();
    }
  }
}
