package dev.providersettings.scaleway;

import java.util.List;

/**
 * A commercial server type of a zone ({@code products/servers}). The API keys types by name in a map; this record
 * repeats the name.
 *
 * @param ram bytes of memory
 */
public record ServerType(
        String name,
        List<String> altNames,
        String arch,
        Integer ncpus,
        Long ram,
        Integer gpu,
        Double hourlyPrice,
        Double monthlyPrice,
        SizeConstraint volumesConstraint,
        Capabilities capabilities,
        Boolean endOfService) {

    public ServerType {
        altNames = altNames == null ? List.of() : List.copyOf(altNames);
    }

    /** This type with its name (taken from the map key). */
    public ServerType withName(String value) {
        return new ServerType(value, altNames, arch, ncpus, ram, gpu, hourlyPrice, monthlyPrice, volumesConstraint,
                capabilities, endOfService);
    }

    /** Whether the type can attach Block Storage (SBS) volumes. */
    public boolean supportsBlockStorage() {
        return capabilities != null && Boolean.TRUE.equals(capabilities.blockStorage());
    }

    /** Minimum and maximum total size in bytes. */
    public record SizeConstraint(Long minSize, Long maxSize) {
    }

    /** What the type supports. */
    public record Capabilities(Boolean blockStorage, List<String> bootTypes, Boolean placementGroups) {
    }
}
