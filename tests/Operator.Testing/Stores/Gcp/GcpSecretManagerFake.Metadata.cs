using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Operator.Testing.Stores.Gcp;

/// <summary>
/// The GCE metadata server as a GKE pod with Workload Identity (or a VM) sees it, on the fake's own address
/// (<c>GCE_METADATA_HOST</c>): the ping Application Default Credentials makes, and the default service account's
/// email and access token. As the real one, it answers only requests with <c>Metadata-Flavor: Google</c> and without
/// <c>X-Forwarded-For</c> (403 otherwise), and stamps every answer with <c>Metadata-Flavor: Google</c>.
/// </summary>
public sealed partial class GcpSecretManagerFake
{
    private const string MetadataPrefix = "/computeMetadata/v1/";
    private volatile string? metadataAccount;

    /// <summary>The <c>GCE_METADATA_HOST</c> value (host:port) that points Google's libraries at this fake's metadata server.</summary>
    public string MetadataHost => Endpoint.Authority;

    /// <summary>Requests the metadata server refused (no Metadata-Flavor header, or a forwarded one).</summary>
    public int RefusedMetadataRequests => Faults.CallCount("metadata.refused");

    /// <summary>Serves the metadata server with <paramref name="email"/> as the default service account (its tokens are accepted).</summary>
    public void EnableMetadataServer(string email = "workload@test-project.iam.gserviceaccount.com") => metadataAccount = email;

    private bool IsMetadataRequest(HttpContext context) =>
        metadataAccount is not null && context.Request.Method == "GET" && (context.Request.Path == "/" || (context.Request.Path.Value ?? "").StartsWith(MetadataPrefix, StringComparison.Ordinal));

    private async Task ServeMetadataAsync(HttpContext context)
    {
        var request = context.Request;
        var response = context.Response;
        response.Headers["Metadata-Flavor"] = "Google";
        if (request.Headers["Metadata-Flavor"] != "Google" || request.Headers.ContainsKey("X-Forwarded-For"))
        {
            Faults.Count("metadata.refused");
            response.StatusCode = 403;
            response.ContentType = "text/html; charset=UTF-8";
            await response.WriteAsync("Missing Metadata-Flavor:Google header.", context.RequestAborted).ConfigureAwait(false);
            return;
        }

        var email = metadataAccount!;
        var path = request.Path.Value ?? "";
        response.ContentType = "application/text";
        switch (path)
        {
            case "/":
                await response.WriteAsync("computeMetadata/\n", context.RequestAborted).ConfigureAwait(false);
                return;
            case MetadataPrefix + "project/project-id":
                await response.WriteAsync(DefaultProject, context.RequestAborted).ConfigureAwait(false);
                return;
            case MetadataPrefix + "instance/service-accounts/default/email":
                await response.WriteAsync(email, context.RequestAborted).ConfigureAwait(false);
                return;
            case MetadataPrefix + "instance/service-accounts/default/token":
                Faults.Count("metadata.token");
                var token = "ya29.metadata-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
                tokens[token] = (email, Time.GetUtcNow() + TokenLifetime);
                response.ContentType = "application/json";
                var body = new JsonObject { ["access_token"] = token, ["expires_in"] = (int)TokenLifetime.TotalSeconds, ["token_type"] = "Bearer" };
                await response.WriteAsync(body.ToJsonString(), context.RequestAborted).ConfigureAwait(false);
                return;
            default:
                response.StatusCode = 404;
                response.ContentType = "text/html; charset=UTF-8";
                await response.WriteAsync("Not Found", context.RequestAborted).ConfigureAwait(false);
                return;
        }
    }
}
