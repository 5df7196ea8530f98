package dev.providersettings.scaleway.fake;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * An error answer of the fake API: HTTP status plus the JSON body, shaped like the real API's error bodies
 * (field names and order as recorded in the cassettes). Thrown inside request handling and turned into a response.
 */
final class ApiError extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    final int status;
    final transient ObjectNode body;

    ApiError(int status, ObjectNode body) {
        super(body.path("message").asText(), null, false, false);
        this.status = status;
        this.body = body;
    }

    /** 404, recorded: {@code {"message":"resource is not found","resource":"volume","resource_id":"...","type":"not_found"}}. */
    static ApiError notFound(String resource, Object id) {
        ObjectNode b = F.objectNode();
        b.put("message", "resource is not found");
        b.put("resource", resource);
        b.put("resource_id", String.valueOf(id));
        b.put("type", "not_found");
        return new ApiError(404, b);
    }

    /** 400 {@code invalid_arguments} with one detail (recorded shape). */
    static ApiError invalidArgument(String argument, String reason, String help) {
        ObjectNode b = F.objectNode();
        ObjectNode d = b.putArray("details").addObject();
        d.put("argument_name", argument);
        d.put("reason", reason);
        d.put("help_message", help);
        b.put("message", "invalid argument(s)");
        b.put("type", "invalid_arguments");
        return new ApiError(400, b);
    }

    /** 401 {@code denied_authentication} (recorded: method api_key, reason not_found). */
    static ApiError deniedAuthentication(String reason) {
        ObjectNode b = F.objectNode();
        b.put("message", "authentication is denied");
        b.put("method", "api_key");
        b.put("reason", reason);
        b.put("type", "denied_authentication");
        return new ApiError(401, b);
    }

    /** 403 {@code permissions_denied} (recorded: details [{action, resource}]). */
    static ApiError permissionsDenied(String action, String resource) {
        ObjectNode b = F.objectNode();
        ObjectNode d = b.putArray("details").addObject();
        d.put("action", action);
        d.put("resource", resource);
        b.put("message", "insufficient permissions");
        b.put("type", "permissions_denied");
        return new ApiError(403, b);
    }

    /** 409 {@code transient_state}. */
    static ApiError transientState(String resource, Object id, String currentState) {
        ObjectNode b = F.objectNode();
        b.put("current_state", currentState);
        b.put("message", "resource is in a transient state");
        b.put("resource", resource);
        b.put("resource_id", String.valueOf(id));
        b.put("type", "transient_state");
        return new ApiError(409, b);
    }

    /** 412 {@code precondition_failed}. */
    static ApiError preconditionFailed(String precondition, String help) {
        ObjectNode b = F.objectNode();
        b.put("help_message", help);
        b.put("message", "precondition is not respected");
        b.put("precondition", precondition);
        b.put("type", "precondition_failed");
        return new ApiError(412, b);
    }

    /** The legacy Instance error format: {@code {"message":..., "type":"invalid_request_error"}}, HTTP 400. */
    static ApiError invalidRequest(String message) {
        ObjectNode b = F.objectNode();
        b.put("message", message);
        b.put("type", "invalid_request_error");
        return new ApiError(400, b);
    }

    /** A route the fake does not serve. */
    static ApiError noRoute(String method, String path) {
        ObjectNode b = F.objectNode();
        b.put("message", "the fake Scaleway API does not implement " + method + " " + path);
        b.put("type", "not_found");
        return new ApiError(404, b);
    }
}
