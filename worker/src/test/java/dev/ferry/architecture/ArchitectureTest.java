package dev.ferry.architecture;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.core.importer.Location;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/** The worker's main classes keep the package graph of {@link ArchitectureRules}. */
@AnalyzeClasses(
    packages = "dev.ferry",
    importOptions = {ImportOption.DoNotIncludeTests.class, ArchitectureTest.NotTheTestkit.class})
class ArchitectureTest {
  @ArchTest static final ArchRule layers = ArchitectureRules.LAYERS;

  @ArchTest static final ArchRule noCycles = ArchitectureRules.NO_CYCLES;

  /** The testkit is on the test classpath under {@code dev.ferry} too, but is no part of Ferry. */
  static final class NotTheTestkit implements ImportOption {
    @Override
    public boolean includes(Location location) {
      return !location.contains("/dev/ferry/testkit/");
    }
  }
}
