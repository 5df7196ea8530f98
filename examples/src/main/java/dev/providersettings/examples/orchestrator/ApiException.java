package dev.providersettings.examples.orchestrator;

/**
 * An HTTP error answer: status, a stable machine-readable code and a message that says what to fix. The API
 * renders it as {@code {"error": code, "message": message}}.
 */
final class ApiException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int status;
    private final String code;

    ApiException(int status, String code, String message) {
        super(message);
        this.status = status;
        this.code = code;
    }

    int status() {
        return status;
    }

    String code() {
        return code;
    }

    static ApiException badRequest(String code, String message) {
        return new ApiException(400, code, message);
    }
}
