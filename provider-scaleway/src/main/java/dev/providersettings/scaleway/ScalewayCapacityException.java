package dev.providersettings.scaleway;

import java.util.Set;

/**
 * Scaleway cannot give this organization the resource now: {@code QUOTAS_EXCEEDED} (the organization's quota is
 * used up; {@link #details()} has the quota and current usage) or {@code OUT_OF_STOCK} (the zone has no capacity of
 * that type). Not retried: the caller picks another zone or type, frees resources, or asks for a larger quota.
 */
public class ScalewayCapacityException extends ScalewayServiceException {
    private static final long serialVersionUID = 1L;
    private static final Set<ScalewayErrorType> TYPES =
            Set.of(ScalewayErrorType.QUOTAS_EXCEEDED, ScalewayErrorType.OUT_OF_STOCK);

    /**
     * @throws IllegalArgumentException if {@code errorType} is neither {@code QUOTAS_EXCEEDED} nor {@code OUT_OF_STOCK}
     */
    public ScalewayCapacityException(ScalewayErrorType errorType, ScalewayError error, String endpoint) {
        super(TYPES, errorType, error, endpoint);
    }
}
