using System.Text.Json.Nodes;

namespace Operator.Testing.Kube;

/// <summary>An API error that the emulator turns into a Kubernetes <c>Status</c> response.</summary>
internal sealed class KubeApiException : Exception
{
    public KubeApiException(int code, string reason, string message, JsonObject? details = null)
        : base(message)
    {
        Code = code;
        Reason = reason;
        Details = details;
    }

    public KubeApiException()
        : this(500, "InternalError", "internal error")
    {
    }

    public KubeApiException(string message)
        : this(500, "InternalError", message)
    {
    }

    public KubeApiException(string message, Exception innerException)
        : base(message, innerException)
    {
        Code = 500;
        Reason = "InternalError";
    }

    public int Code { get; }

    public string Reason { get; }

    public JsonObject? Details { get; }

    public JsonObject ToStatus() => StatusBuilder.Failure(Code, Reason, Message, Details);

    public static KubeApiException NotFound(ResourceType type, string name) =>
        new(404, "NotFound", $"{type.QualifiedPlural} \"{name}\" not found", StatusBuilder.Details(type, name));

    public static KubeApiException AlreadyExists(ResourceType type, string name) =>
        new(409, "AlreadyExists", $"{type.QualifiedPlural} \"{name}\" already exists", StatusBuilder.Details(type, name));

    public static KubeApiException Conflict(ResourceType type, string name) =>
        new(409, "Conflict",
            $"Operation cannot be fulfilled on {type.QualifiedPlural} \"{name}\": the object has been modified; please apply your changes to the latest version and try again",
            StatusBuilder.Details(type, name));

    public static KubeApiException BadRequest(string message) => new(400, "BadRequest", message);

    public static KubeApiException Invalid(ResourceType type, string name, IReadOnlyList<FieldError> errors)
    {
        var text = errors.Count == 1
            ? errors[0].ToString()
            : "[" + string.Join(", ", errors.Select(e => e.ToString())) + "]";
        var details = StatusBuilder.Details(type, name);
        details["kind"] = type.Kind;
        details["causes"] = new JsonArray(errors.Select(e => (JsonNode)new JsonObject
        {
            ["reason"] = e.Reason,
            ["message"] = e.Detail,
            ["field"] = e.Field,
        }).ToArray());
        return new(422, "Invalid", $"{type.Kind}{(type.Group.Length == 0 ? "" : "." + type.Group)} \"{name}\" is invalid: {text}", details);
    }
}

/// <summary>One field-level validation failure, formatted the way the API server prints it.</summary>
internal sealed record FieldError(string Field, string Reason, string Detail)
{
    public static FieldError InvalidValue(string field, JsonNode? value, string detail) =>
        new(field, "FieldValueInvalid", $"Invalid value: {Show(value)}: {detail}");

    public static FieldError Required(string field) => new(field, "FieldValueRequired", "Required value");

    public static FieldError NotSupported(string field, JsonNode? value, IEnumerable<string> allowed) =>
        new(field, "FieldValueNotSupported", $"Unsupported value: {Show(value)}: supported values: {string.Join(", ", allowed)}");

    public static FieldError TooLong(string field, long max) =>
        new(field, "FieldValueTooLong", $"Too long: must have at most {max} bytes");

    public static string Show(JsonNode? value) => value switch
    {
        null => "null",
        JsonObject => "\"object\"",
        JsonArray => "\"array\"",
        _ => value.ToJsonString(Json.Options),
    };

    public override string ToString() => $"{Field}: {Detail}";
}

internal static class StatusBuilder
{
    public static JsonObject Failure(int code, string reason, string message, JsonObject? details) => new()
    {
        ["kind"] = "Status",
        ["apiVersion"] = "v1",
        ["metadata"] = new JsonObject(),
        ["status"] = "Failure",
        ["message"] = message,
        ["reason"] = reason,
        ["details"] = details?.DeepClone(),
        ["code"] = code,
    };

    public static JsonObject Details(ResourceType type, string name)
    {
        var details = new JsonObject { ["name"] = name };
        if (type.Group.Length > 0)
        {
            details["group"] = type.Group;
        }

        details["kind"] = type.Plural;
        return details;
    }

    public static string ReasonFor(int code) => code switch
    {
        400 => "BadRequest",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "NotFound",
        405 => "MethodNotAllowed",
        409 => "Conflict",
        410 => "Expired",
        422 => "Invalid",
        429 => "TooManyRequests",
        503 => "ServiceUnavailable",
        504 => "Timeout",
        _ => "InternalError",
    };
}
