namespace Operator.RestApi;

/// <summary>An answer other than success: HTTP status, error code and a message that names the field or rule.</summary>
public sealed class ApiException : Exception
{
    public ApiException(int status, string code, string message)
        : base(message)
    {
        Status = status;
        Code = code;
    }

    public ApiException()
        : this(500, "internal", "internal error")
    {
    }

    public ApiException(string message)
        : this(500, "internal", message)
    {
    }

    public ApiException(string message, Exception inner)
        : base(message, inner)
    {
        Status = 500;
        Code = "internal";
    }

    public int Status { get; }

    public string Code { get; }

    /// <summary>When set, the answer carries <c>Retry-After</c> in whole seconds.</summary>
    public TimeSpan? RetryAfter { get; init; }

    public static ApiException Unauthenticated(string message) => new(401, "unauthenticated", message);

    public static ApiException Forbidden(string message) => new(403, "forbidden", message);

    public static ApiException NotFound(string message) => new(404, "not_found", message);

    public static ApiException Conflict(string message) => new(409, "conflict", message);

    public static ApiException RateLimited(TimeSpan retryAfter) =>
        new(429, "rate_limited", "too many requests from this caller; retry after the Retry-After seconds") { RetryAfter = retryAfter };

    public static ApiException BodyTooLarge() => new(413, "body_too_large", $"body: larger than {SecretApiServer.MaxRequestBodyBytes} bytes");

    public static ApiException Invalid(string field, string problem) => new(422, "validation_failed", $"{field}: {problem}");
}
