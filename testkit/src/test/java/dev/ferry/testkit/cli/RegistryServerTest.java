package dev.ferry.testkit.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class RegistryServerTest {

  @Test
  void takesAWorkDirectoryAndNothingElse() {
    assertThat(RegistryServer.parse("--work", "/tmp/r")).isEqualTo(Path.of("/tmp/r"));
    assertThatThrownBy(RegistryServer::parse).hasMessageContaining("--work DIR is required");
    assertThatThrownBy(() -> RegistryServer.parse("--work", "/tmp/r", "--port", "1"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> RegistryServer.parse("--dir", "/tmp/r"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
