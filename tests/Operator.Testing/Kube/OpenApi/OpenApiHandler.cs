using System.Globalization;
using Microsoft.AspNetCore.Http;

namespace Operator.Testing.Kube.OpenApi;

/// <summary>
/// Serves /openapi/v2 and /openapi/v3[/{group-version}] as kube-apiserver does (k8s.io/kube-openapi handler and
/// handler3): a document asked for with its current <c>?hash=</c> is immutable and cacheable, a stale hash is
/// redirected to the current one, and v2 is served as JSON or as the gnostic protobuf client-go asks for.
/// </summary>
internal sealed class OpenApiHandler(OpenApiDocuments documents, Lock gate)
{
    // Asked for as ...spec.v2@v1.0+protobuf, answered as ...spec.v2.v1.0+protobuf (Go's mime parser refuses '@').
    private const string V2Protobuf = "application/com.github.proto-openapi.spec.v2.v1.0+protobuf";

    /// <summary>Answers the request when its path is an OpenAPI path; false otherwise.</summary>
    public async Task<bool> TryServeAsync(HttpContext context, string[] segments)
    {
        if (segments is not ["openapi", ..])
        {
            return false;
        }

        switch (segments)
        {
            case ["openapi", "v2"]:
                await ServeV2Async(context).ConfigureAwait(false);
                return true;
            case ["openapi", "v3"]:
                var root = Read(documents.Root);
                await WriteAsync(context, "application/json", System.Text.Encoding.UTF8.GetBytes(root.ToJsonString(Json.Options))).ConfigureAwait(false);
                return true;
            case ["openapi", "v3", .. var rest] when rest.Length > 0:
                await ServeV3Async(context, string.Join('/', rest)).ConfigureAwait(false);
                return true;
            default:
                throw new KubeApiException(404, "NotFound", "the server could not find the requested resource");
        }
    }

    private async Task ServeV2Async(HttpContext context)
    {
        var document = Read(documents.V2);
        var accept = context.Request.Headers.Accept.ToString();
        context.Response.Headers.ETag = $"\"{document.Hash}\"";
        context.Response.Headers.Vary = "Accept";
        if (accept.Contains("protobuf", StringComparison.OrdinalIgnoreCase))
        {
            await WriteAsync(context, V2Protobuf, OpenApiV2Protobuf.Encode(document.Document)).ConfigureAwait(false);
            return;
        }

        await WriteAsync(context, "application/json", document.Json).ConfigureAwait(false);
    }

    private async Task ServeV3Async(HttpContext context, string groupVersion)
    {
        var document = Read(() => documents.GroupVersion(groupVersion))
            ?? throw new KubeApiException(404, "NotFound", "the server could not find the requested resource");
        var accept = context.Request.Headers.Accept.ToString();
        if (accept.Length > 0 && !accept.Contains("json", StringComparison.OrdinalIgnoreCase) && !accept.Contains("*/*", StringComparison.Ordinal))
        {
            throw new KubeApiException(406, "NotAcceptable", $"the emulator serves OpenAPI v3 as application/json only, not {accept}");
        }

        var hash = (string?)context.Request.Query["hash"];
        if (!string.IsNullOrEmpty(hash) && hash != document.Hash)
        {
            context.Response.StatusCode = 301;
            context.Response.Headers.Location = $"/openapi/v3/{groupVersion}?hash={document.Hash}";
            return;
        }

        context.Response.Headers.ETag = $"\"{document.Hash}\"";
        context.Response.Headers.Vary = "Accept";
        if (!string.IsNullOrEmpty(hash))
        {
            context.Response.Headers.CacheControl = "public, immutable";
            context.Response.Headers.Expires = DateTimeOffset.UtcNow.AddYears(1).ToString("R", CultureInfo.InvariantCulture);
        }

        await WriteAsync(context, "application/json", document.Json).ConfigureAwait(false);
    }

    private T Read<T>(Func<T> read)
    {
        lock (gate)
        {
            return read();
        }
    }

    private static async Task WriteAsync(HttpContext context, string contentType, byte[] body)
    {
        context.Response.StatusCode = 200;
        context.Response.ContentType = contentType;
        await context.Response.Body.WriteAsync(body, context.RequestAborted).ConfigureAwait(false);
    }
}
