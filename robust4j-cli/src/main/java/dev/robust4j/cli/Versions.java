package dev.robust4j.cli;

import picocli.CommandLine;

/** Prints robust4j's, DJL's and the Java runtime's versions. */
final class Versions implements CommandLine.IVersionProvider {

    @Override
    public String[] getVersion() {
        String own = Versions.class.getPackage().getImplementationVersion();
        return new String[] {
            "robust4j " + (own == null ? "(development build)" : own),
            "DJL " + ai.djl.engine.Engine.getDjlVersion(),
            "Java " + System.getProperty("java.version")
        };
    }
}
