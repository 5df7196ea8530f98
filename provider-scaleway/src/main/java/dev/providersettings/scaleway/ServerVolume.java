package dev.providersettings.scaleway;

/**
 * A volume as listed in a server's {@code volumes} map.
 *
 * @param volumeType {@code l_ssd}, {@code b_ssd}, {@code sbs_volume}, {@code scratch} ...; for {@code sbs_volume}
 *                   the id is the Block Storage API id
 */
public record ServerVolume(String id, String name, String volumeType, Boolean boot, String state, String zone, Long size) {
}
