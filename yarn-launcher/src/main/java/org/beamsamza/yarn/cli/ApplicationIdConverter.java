package org.beamsamza.yarn.cli;

import org.apache.hadoop.yarn.api.records.ApplicationId;
import picocli.CommandLine;

/** Parses {@code application_<clusterTimestamp>_<sequence>}; anything else is a usage error. */
final class ApplicationIdConverter implements CommandLine.ITypeConverter<ApplicationId> {
  @Override
  public ApplicationId convert(String value) {
    try {
      return ApplicationId.fromString(value);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.TypeConversionException(
          "'" + value + "' is not a YARN application id (application_<clusterTimestamp>_<n>)");
    }
  }
}
