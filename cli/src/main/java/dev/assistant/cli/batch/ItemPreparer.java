package dev.assistant.cli.batch;

import com.google.protobuf.ByteString;
import dev.assistant.api.v1.AskRequest;
import dev.assistant.api.v1.AudioInput;
import dev.assistant.api.v1.Image;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Reads an item's files, derives its ID and builds its request. */
final class ItemPreparer {
  private final String idPrefix;
  private final ItemOptions defaults;
  private final String tenant;

  ItemPreparer(String idPrefix, ItemOptions defaults, String tenant) {
    this.idPrefix = idPrefix;
    this.defaults = defaults;
    this.tenant = tenant;
  }

  PreparedItem prepare(ManifestEntry entry) {
    if (!entry.isOk()) {
      return failed(entry, null, entry.error());
    }
    BatchItem item = entry.item();
    String manifestId = null;
    if (item.id() != null) {
      try {
        manifestId = RequestIds.fromManifest(idPrefix, item.id());
      } catch (IllegalArgumentException e) {
        return failed(entry, item, e.getMessage());
      }
    }
    byte[] audio;
    byte[] image;
    try {
      audio = read(item.audio(), "audio");
      image = read(item.image(), "image");
    } catch (IllegalArgumentException e) {
      return new PreparedItem(
          manifestId != null ? manifestId : RequestIds.fromRaw(idPrefix, entry.raw()),
          item,
          entry,
          null,
          e.getMessage());
    }
    // The batch's --language is the language of the items' speech: an item without audio does not
    // get it (the gateway would refuse the item). An item's own "language" is sent as written, so a
    // manifest that sets it on a text-only item gets the gateway's reason on that item.
    ItemOptions options =
        item.options().over(audio == null ? defaults.withoutLanguage() : defaults);
    String id =
        manifestId != null
            ? manifestId
            : RequestIds.fromContent(idPrefix, audio, image, item.prompt(), options);
    AskRequest.Builder r =
        AskRequest.newBuilder().setRequestId(id).setTenant(tenant).setOptions(options.toProto());
    if (item.prompt() != null) {
      r.setPrompt(item.prompt());
    }
    if (audio != null) {
      r.setAudio(AudioInput.newBuilder().setData(ByteString.copyFrom(audio)));
    }
    if (image != null) {
      r.setImage(Image.newBuilder().setData(ByteString.copyFrom(image)));
    }
    return new PreparedItem(id, item, entry, r.build(), null);
  }

  private PreparedItem failed(ManifestEntry entry, BatchItem item, String error) {
    return new PreparedItem(RequestIds.fromRaw(idPrefix, entry.raw()), item, entry, null, error);
  }

  private static byte[] read(Path file, String field) {
    if (file == null) {
      return null;
    }
    try {
      return Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException(field + ": no such file: " + file);
    } catch (IOException e) {
      throw new IllegalArgumentException(field + ": cannot read " + file + ": " + e.getMessage());
    }
  }
}
