using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Operator.Testing.Kube.Protobuf;
using Operator.Testing.Kube.Validation;

namespace Operator.Testing.Kube;

/// <summary>Reads request bodies (reporting duplicate fields) and answers with the field-validation warnings.</summary>
internal static class RequestBody
{
    /// <summary>The body of a POST or PUT: a JSON object.</summary>
    public static async Task<JsonObject> ReadObjectAsync(HttpContext context, FieldValidation? fields) =>
        await ReadOptionalAsync(context, fields).ConfigureAwait(false) as JsonObject
        ?? throw KubeApiException.BadRequest("the request body must be a JSON object");

    /// <summary>A body that may be empty (DELETE options, patches).</summary>
    public static async Task<JsonNode?> ReadOptionalAsync(HttpContext context, FieldValidation? fields)
    {
        RequireJsonOrProtobuf(context);
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer, context.RequestAborted).ConfigureAwait(false);
        if (buffer.Length == 0)
        {
            return null;
        }

        var body = buffer.GetBuffer().AsMemory(0, (int)buffer.Length);
        return KubeProtobuf.IsProtobuf(context.Request.ContentType)
            ? KubeProtobuf.Decode(body)
            : RequestJson.Parse(body.Span, fields is null ? null : fields.Duplicate);
    }

    /// <summary>The fieldValidation directive of a write; <paramref name="optionsKind"/> names it in errors.</summary>
    public static FieldValidation Directive(HttpContext context, string optionsKind) =>
        FieldValidation.Parse(context.Request.Query["fieldValidation"], optionsKind);

    /// <summary>One <c>Warning: 299 - "text"</c> header per warning, the form kubectl prints as "Warning: text".</summary>
    public static void AddWarnings(HttpContext context, FieldValidation fields)
    {
        foreach (var warning in fields.Warnings)
        {
            var quoted = warning.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal);
            context.Response.Headers.Append("Warning", $"299 - \"{quoted}\"");
        }
    }

    // JSON, and protobuf for the kinds kubectl's typed commands send. CBOR gets the 415 client-go falls back to JSON from.
    private static void RequireJsonOrProtobuf(HttpContext context)
    {
        var contentType = context.Request.ContentType ?? "";
        if (contentType.Contains("cbor", StringComparison.OrdinalIgnoreCase)
            || (contentType.Contains("protobuf", StringComparison.OrdinalIgnoreCase) && !KubeProtobuf.IsProtobuf(contentType)))
        {
            throw new KubeApiException(415, "UnsupportedMediaType",
                $"the emulator accepts JSON and Kubernetes protobuf request bodies, not {contentType}");
        }
    }
}
