package dev.providersettings.examples.springboot;

import dev.providersettings.exception.InvalidIdentifierException;
import dev.providersettings.exception.MissingCredentialsException;
import dev.providersettings.exception.MissingOrganizationException;
import dev.providersettings.OrganizationId;
import dev.providersettings.ProviderManager;
import dev.providersettings.scaleway.CreateVolumeRequest;
import dev.providersettings.scaleway.ScalewayCapacityException;
import dev.providersettings.scaleway.ScalewayClientException;
import dev.providersettings.scaleway.ScalewayException;
import dev.providersettings.scaleway.ScalewayProvider;
import dev.providersettings.scaleway.Volume;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import java.net.URI;
import java.util.UUID;

/**
 * Deployments of the caller's organization. The organization comes from the {@value #ORGANIZATION_HEADER} header,
 * standing in for the signed-in user's organization (a real service reads it from its authentication); every
 * Scaleway call uses that organization's own credentials, and there is no fallback to anyone else's.
 */
@RestController
@RequestMapping("/deployments")
public class DeploymentController {
    /** The header carrying the caller's organization id. */
    public static final String ORGANIZATION_HEADER = "X-Organization-Id";

    private final ProviderManager providers;
    private final DeploymentRepository deployments;

    /**
     * @param providers   the provider manager from the starter
     * @param deployments the host's deployments table
     */
    public DeploymentController(ProviderManager providers, DeploymentRepository deployments) {
        this.providers = providers;
        this.deployments = deployments;
    }

    /**
     * The body of a new deployment.
     *
     * @param name     a display name
     * @param zone     the Scaleway zone, e.g. fr-par-1
     * @param volumeGb the size of its volume in GB
     */
    public record CreateDeployment(String name, String zone, int volumeGb) {
    }

    /**
     * A deployment's volume as the caller sees it.
     *
     * @param deploymentId the deployment
     * @param volumeId     the Scaleway volume id
     * @param sizeBytes    its size
     * @param status       its Scaleway status
     * @param projectId    the Scaleway project that holds it (the organization's own)
     */
    public record VolumeView(UUID deploymentId, String volumeId, long sizeBytes, String status, String projectId) {
    }

    /** Creates a deployment and its volume with the caller's organization's credentials. */
    @PostMapping
    public ResponseEntity<VolumeView> create(@RequestHeader(name = ORGANIZATION_HEADER, required = false) String organization,
                                             @RequestBody CreateDeployment request) {
        OrganizationId org = OrganizationId.parse(organization);
        ScalewayProvider scaleway = providers.get(org, "scaleway", ScalewayProvider.class);
        Volume volume = scaleway.createVolume(request.zone(),
                CreateVolumeRequest.empty(request.name(), request.volumeGb() * ScalewayProvider.GB));
        Deployment deployment = new Deployment(UUID.randomUUID(), org, request.name(), request.zone(), volume.id());
        deployments.insert(deployment);
        return ResponseEntity.created(URI.create("/deployments/" + deployment.id() + "/volume"))
                .body(view(deployment, volume));
    }

    /** Reads the deployment's volume from Scaleway with the owning organization's credentials. */
    @GetMapping("/{id}/volume")
    public ResponseEntity<VolumeView> volume(@RequestHeader(name = ORGANIZATION_HEADER, required = false) String organization,
                                             @PathVariable UUID id) {
        OrganizationId org = OrganizationId.parse(organization);
        return deployments.find(org, id)
                .map(deployment -> {
                    ScalewayProvider scaleway = providers.get(deployment.organization(), "scaleway", ScalewayProvider.class);
                    return ResponseEntity.ok(view(deployment, scaleway.getVolume(deployment.zone(), deployment.volumeId())));
                })
                .orElseGet(() -> ResponseEntity.notFound().build());
    }

    private static VolumeView view(Deployment deployment, Volume volume) {
        return new VolumeView(deployment.id(), volume.id(), volume.size(), volume.status(), volume.projectId());
    }

    /** No or malformed organization: the caller is not signed in to an organization. */
    @ExceptionHandler(InvalidIdentifierException.class)
    public ProblemDetail noOrganization(InvalidIdentifierException e) {
        return ProblemDetail.forStatusAndDetail(HttpStatus.UNAUTHORIZED, e.getMessage());
    }

    /** The organization does not exist. */
    @ExceptionHandler(MissingOrganizationException.class)
    public ProblemDetail unknownOrganization(MissingOrganizationException e) {
        return ProblemDetail.forStatusAndDetail(HttpStatus.FORBIDDEN, e.getMessage());
    }

    /** The organization has no (complete) Scaleway credentials: never someone else's instead. */
    @ExceptionHandler(MissingCredentialsException.class)
    public ProblemDetail noCredentials(MissingCredentialsException e) {
        return ProblemDetail.forStatusAndDetail(HttpStatus.CONFLICT, e.getMessage());
    }

    /**
     * Scaleway refused or failed: the caller's own values refused before anything was sent (a malformed zone, a size
     * out of range) are a 400, no capacity for this organization a 503, anything else a 502.
     */
    @ExceptionHandler(ScalewayException.class)
    public ProblemDetail scaleway(ScalewayException e) {
        HttpStatus status;
        if (e instanceof ScalewayClientException c && c.reason() == ScalewayClientException.Reason.INVALID_REQUEST) {
            status = HttpStatus.BAD_REQUEST;
        } else if (e instanceof ScalewayCapacityException) {
            status = HttpStatus.SERVICE_UNAVAILABLE;
        } else {
            status = HttpStatus.BAD_GATEWAY;
        }
        return ProblemDetail.forStatusAndDetail(status, e.getMessage());
    }
}
