package dev.assistant.deploy;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * GETs a URL and wants 200. Workers open their metrics endpoint (with {@code /-/healthy}) only
 * after the model has loaded and topics exist, just before the consumer loop starts.
 */
final class HttpProbe implements ReadinessProbe {
  private final URI uri;
  private final HttpClient client =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  HttpProbe(URI uri) {
    this.uri = uri;
  }

  @Override
  public boolean isReady() {
    try {
      HttpRequest request =
          HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(2)).GET().build();
      return client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  @Override
  public String describe() {
    return uri.toString();
  }
}
